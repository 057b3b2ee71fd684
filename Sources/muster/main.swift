import MusterMail
print("muster (libcurl \(curlVersion()))")
