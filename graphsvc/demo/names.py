"""The vocabulary of the synthetic data: word lists every name, place, school and vehicle is
drawn from, and identifiers from ranges that are never issued (NHS-like numbers starting 999,
ZZ vehicle registrations, Ofcom's drama range of mobile numbers)."""

from __future__ import annotations

# Every person name is FIRST + " " + SURNAME from these.
FEMALE_FIRST = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Grace", "Freya", "Sophia",
    "Ella", "Evie", "Poppy", "Chloe", "Ruby", "Daisy", "Emily", "Jessica", "Hannah", "Amber",
    "Leah", "Megan", "Holly", "Zara", "Aisha", "Maya", "Niamh", "Erin", "Sarah", "Laura",
    "Emma", "Rachel", "Claire", "Kelly", "Nicola", "Lisa", "Michelle", "Joanne", "Karen", "Donna",
)
MALE_FIRST = (
    "Oliver", "George", "Noah", "Leo", "Harry", "Oscar", "Jack", "Charlie", "Jacob", "Thomas",
    "Alfie", "Freddie", "Archie", "Joshua", "Theo", "Max", "Logan", "Ethan", "Mason", "Tyler",
    "Kai", "Jayden", "Callum", "Kieran", "Reece", "Adam", "Daniel", "Ryan", "Liam", "Connor",
    "James", "David", "Paul", "Mark", "Lee", "Darren", "Craig", "Wayne", "Stephen", "Gary",
)
FIRST_NAMES = FEMALE_FIRST + MALE_FIRST
SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Thomas", "Clarke",
    "Jackson", "Wood", "Harris", "Edwards", "Turner", "Martin", "Cooper", "Hill", "Ward", "Hughes",
    "Moore", "Clark", "King", "Harrison", "Lewis", "Baker", "Lee", "Allen", "Morris", "Khan",
    "Scott", "Watson", "Davis", "Parker", "James", "Bennett", "Young", "Phillips", "Richardson", "Mitchell",
    "Bailey", "Carter", "Cook", "Singh", "Shaw", "Bell", "Collins", "Morgan", "Kelly", "Begum",
)
TOWNS = ("Northbrook", "Eastmere", "Ashvale", "Millcross", "Westcombe", "Holmfield", "Oakridge", "Fernley")
STREETS = (
    "Alder", "Beech", "Cedar", "Elm", "Hazel", "Larch", "Maple", "Rowan", "Willow", "Yew", "Ash", "Birch",
    "Holly", "Juniper", "Laurel", "Poplar", "Station", "Church", "Mill", "Victoria", "Albert", "Chapel",
    "Brook", "Meadow", "Orchard", "Spring", "Market", "Bridge", "Canal", "Foundry",
)
STREET_TYPES = ("Road", "Street", "Close", "Avenue", "Way", "Crescent", "Lane", "Drive", "Grove", "Court")
VENUE_WORDS = ("Golden", "Royal", "Corner", "Star", "Lucky", "Sunrise", "Crown", "Market", "Station", "Express", "Diamond", "Central", "Village", "Phoenix", "Eagle", "Silver")
VENUE_TYPES = ("Takeaway", "Chicken Shop", "Snooker Hall", "Vape Shop", "Gym", "Shisha Lounge", "Hotel", "Cafe", "Arcade", "Barbers", "Car Wash", "Off Licence", "Pizza Bar", "Kebab House")
PARK_TYPES = ("Park", "Recreation Ground", "Playing Fields", "Skate Park", "Nature Reserve")
SCHOOL_WORDS = ("Oakfield", "Riverside", "St Anne's", "Greenway", "Hillcrest", "Brookside", "Meadowbank", "Parkside", "Highfield", "Westgate", "Ashgrove", "Fairview", "Kingsmead", "Longford", "Moorland", "Stonebridge")
COLOURS = ("Black", "Silver", "White", "Grey", "Blue", "Red", "Dark green")
BODY_TYPES = ("hatchback", "saloon", "estate", "van", "4x4", "people carrier", "coupe")
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def nhs_number(n: int) -> str:
    # A bijection on 0..9_999_999 (7919 is coprime with 10**7): distinct, scattered numbers.
    return f"NHS:999{(n * 7919 + 1234567) % 10_000_000:07d}"


def registration(n: int) -> str:
    n = (n * 104_729 + 777) % (90 * 26**3)
    digits, rest = 10 + n % 90, n // 90
    letters = "".join("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(rest // 26**i) % 26] for i in (2, 1, 0))
    return f"ZZ{digits} {letters}"


def phone_number(k: int) -> tuple[str, str]:
    return f"07700 900{k:03d}", f"TEL:07700900{k:03d}"
