// The words the demo district is made of: Dorset's towns, people's names, schools, roles and events.
import Foundation

/// Word lists for ``DemoDistrict``. Each name comes with the ASCII form its email address uses.
enum DemoNames {
    static let county = "Dorset"

    static let towns = [
        "Dorchester", "Weymouth", "Bridport", "Sherborne", "Blandford Forum", "Wimborne Minster", "Swanage",
        "Wareham", "Shaftesbury", "Gillingham", "Lyme Regis", "Verwood", "Ferndown", "Portland",
        "Sturminster Newton", "Beaminster", "Corfe Mullen", "Crossways", "Puddletown", "Charmouth",
    ]

    /// (as written, as in an email address)
    static let firstNames: [(String, String)] = [
        ("Olivia", "olivia"), ("Amelia", "amelia"), ("Isla", "isla"), ("Ava", "ava"), ("Mia", "mia"),
        ("Zoë", "zoe"), ("Siân", "sian"), ("Chloé", "chloe"), ("Niamh", "niamh"), ("Aoife", "aoife"),
        ("Priya", "priya"), ("Aisha", "aisha"), ("Fatima", "fatima"), ("Grace", "grace"), ("Hannah", "hannah"),
        ("Emily", "emily"), ("Sophie", "sophie"), ("Lucy", "lucy"), ("Rachel", "rachel"), ("Joanne", "joanne"),
        ("Karen", "karen"), ("Helen", "helen"), ("Sarah", "sarah"), ("Claire", "claire"), ("Bethan", "bethan"),
        ("Agnieszka", "agnieszka"), ("Małgorzata", "malgorzata"), ("Renée", "renee"), ("Ingrid", "ingrid"),
        ("Oliver", "oliver"), ("George", "george"), ("Harry", "harry"), ("Jack", "jack"), ("Noah", "noah"),
        ("Mohammed", "mohammed"), ("Arjun", "arjun"), ("Łukasz", "lukasz"), ("José", "jose"), ("Rhys", "rhys"),
        ("Dafydd", "dafydd"), ("Seán", "sean"), ("Ciarán", "ciaran"), ("Tomás", "tomas"), ("Kwame", "kwame"),
        ("David", "david"), ("James", "james"), ("Paul", "paul"), ("Mark", "mark"), ("Andrew", "andrew"),
        ("Tom", "tom"), ("Sam", "sam"), ("Alex", "alex"), ("Chris", "chris"), ("Jo", "jo"), ("Kim", "kim"),
    ]

    static let lastNames: [(String, String)] = [
        ("Smith", "smith"), ("Jones", "jones"), ("Williams", "williams"), ("Taylor", "taylor"), ("Brown", "brown"),
        ("Davies", "davies"), ("Evans", "evans"), ("Wilson", "wilson"), ("Thomas", "thomas"), ("Johnson", "johnson"),
        ("Roberts", "roberts"), ("Robinson", "robinson"), ("Wright", "wright"), ("Walker", "walker"),
        ("White", "white"), ("Hughes", "hughes"), ("Green", "green"), ("Hall", "hall"), ("Wood", "wood"),
        ("Harris", "harris"), ("Clarke", "clarke"), ("Patel", "patel"), ("Khan", "khan"), ("Begum", "begum"),
        ("O'Brien", "obrien"), ("O'Connor", "oconnor"), ("McCarthy", "mccarthy"), ("Nuñez", "nunez"),
        ("García", "garcia"), ("Kowalski", "kowalski"), ("Wiśniewska", "wisniewska"), ("Müller", "muller"),
        ("Ó Briain", "obriain"), ("ap Gruffydd", "apgruffydd"), ("Okafor", "okafor"), ("Mensah", "mensah"),
        ("Nguyen", "nguyen"), ("Chen", "chen"), ("Singh", "singh"), ("Sharma", "sharma"), ("Fitzgerald", "fitzgerald"),
        ("Hardy", "hardy"), ("Barnes", "barnes"), ("Hammond", "hammond"), ("Legg", "legg"), ("Samways", "samways"),
        ("Coombs", "coombs"), ("Dibben", "dibben"), ("Pitman", "pitman"), ("Ffrench", "ffrench"),
    ]

    /// Workplace kinds with their share of workplaces and a typical staff range.
    static let kinds: [(kind: String, weight: Int, staff: ClosedRange<Int>)] = [
        ("primary", 55, 12...45), ("secondary", 18, 60...160), ("special", 8, 25...70),
        ("college", 6, 120...400), ("nursery", 13, 6...20),
    ]

    static let primaryNames = [
        "St Mary's C of E Primary School", "St Andrew's Primary School", "Holy Trinity Primary School",
        "Manor Park Primary School", "Westfield Infant School", "Prince of Wales First School",
        "St Michael's C of E Primary School", "Damers First School", "Hillside Community Primary School",
        "Greenford C of E Primary School", "Thorners Primary School", "Wyke Regis Junior School",
    ]
    static let secondaryNames = [
        "Academy", "Grammar School", "School", "Upper School", "Community College", "Middle School",
    ]
    static let specialNames = ["Beacon House School", "Westfield Arts College", "Mountjoy School", "Linwood School", "Yewstock School"]
    static let collegeNames = ["College", "Sixth Form College", "Kingston Maurward College"]
    static let nurseryNames = ["Nursery School", "Children's Centre", "Little Acorns Nursery"]

    /// (role, section, weight) for schools; leadership and support staff are smaller.
    static let roles: [(role: String, section: String, weight: Int)] = [
        ("classroom teacher", "teachers", 560), ("SENCo", "teachers", 30), ("head of department", "teachers", 50),
        ("headteacher", "leadership", 30), ("deputy head", "leadership", 25), ("assistant head", "leadership", 35),
        ("executive head", "leadership", 5),
        ("teaching assistant", "support staff", 160), ("cover supervisor", "support staff", 40),
        ("business manager", "support staff", 25),
    ]

    static let otherZones = ["America/Chicago", "Europe/Berlin", "Asia/Kolkata"]

    static let eventTitles: [String: [String]] = [
        "meeting": ["District general meeting", "Pay campaign meeting", "Workload: know your rights",
                    "Members' meeting", "Ballot briefing"],
        "training": ["New reps' course", "Health and safety reps: stage 1", "Casework skills",
                     "Negotiating skills", "Organising your workplace"],
        "induction": ["Welcome evening for new members", "Early career teachers: your rights",
                      "New to support staff: your union", "Induction for new reps"],
        "conference": ["District annual conference", "Support staff conference", "Leadership conference",
                       "Equality conference", "Young members' conference"],
        "cpd": ["Behaviour that works", "Supporting pupils with SEND", "Phonics in Key Stage 1",
                "Mental health first aid", "Assessment that helps", "Adaptive teaching"],
    ]

    static let venues = [
        "Dorchester Corn Exchange", "Weymouth Pavilion, Room 2", "Union office, 12 High West Street, Dorchester",
        "Bridport Arts Centre", "Sherborne Digby Hall", "Online (link in your email)", "Wimborne Allendale Centre",
        "Blandford Corn Exchange", "Poole Lighthouse, Studio", "Swanage Mowlem Rooms",
    ]

    /// Lower-case ASCII letters and digits of `name`, for a web domain.
    static func slug(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) { out.unicodeScalars.append(scalar) }
        }
        return out.lowercased()
    }
}
