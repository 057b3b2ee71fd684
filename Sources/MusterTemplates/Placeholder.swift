import MusterCore
