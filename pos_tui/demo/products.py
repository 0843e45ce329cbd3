"""Word lists for the demo catalogue: item groups, sub-groups, products, sizes and brands.

Plain data; changing a list changes the generated store (same seed, different content).
"""

from __future__ import annotations

# (group code, group name, [(subgroup code, subgroup name, tax class code, price range,
#                            [(product, [sizes])])])
PRODUCTS: tuple[
    tuple[
        str,
        str,
        tuple[tuple[str, str, str, tuple[int, int], tuple[tuple[str, tuple[str, ...]], ...]], ...],
    ],
    ...,
] = (
    (
        "GROC",
        "Grocery",
        (
            (
                "STAPLES",
                "Staples",
                "GST5",
                (40, 900),
                (
                    ("Basmati Rice", ("1 kg", "5 kg", "10 kg")),
                    ("Toor Dal", ("500 g", "1 kg")),
                    ("Whole Wheat Atta", ("5 kg", "10 kg")),
                    ("Sunflower Oil", ("1 L", "5 L")),
                    ("Sugar", ("1 kg", "5 kg")),
                    ("Iodised Salt", ("1 kg",)),
                    ("Moong Dal", ("500 g", "1 kg")),
                    ("Chickpeas", ("500 g", "1 kg")),
                ),
            ),
            (
                "SNACKS",
                "Snacks",
                "GST12",
                (10, 350),
                (
                    ("Potato Chips", ("52 g", "115 g")),
                    ("Masala Peanuts", ("200 g",)),
                    ("Chocolate Cookies", ("150 g", "300 g")),
                    ("Salted Cashews", ("250 g", "500 g")),
                    ("Trail Mix", ("200 g",)),
                    ("Dark Chocolate", ("100 g",)),
                ),
            ),
            (
                "DAIRY",
                "Dairy",
                "GST5",
                (25, 600),
                (
                    ("Toned Milk", ("500 ml", "1 L")),
                    ("Paneer", ("200 g", "500 g")),
                    ("Greek Yogurt", ("400 g",)),
                    ("Salted Butter", ("100 g", "500 g")),
                    ("Cheddar Cheese", ("200 g",)),
                    ("Ghee", ("500 ml", "1 L")),
                ),
            ),
        ),
    ),
    (
        "BEV",
        "Beverages",
        (
            (
                "SOFT",
                "Soft drinks",
                "GST18",
                (20, 180),
                (
                    ("Cola", ("330 ml", "750 ml", "2 L")),
                    ("Lemon Soda", ("330 ml", "750 ml")),
                    ("Sparkling Water", ("500 ml", "1 L")),
                    ("Energy Drink", ("250 ml",)),
                    ("Iced Tea", ("500 ml",)),
                ),
            ),
            (
                "JUICE",
                "Juices & tea",
                "GST12",
                (30, 650),
                (
                    ("Orange Juice", ("1 L",)),
                    ("Mango Nectar", ("1 L",)),
                    ("Assam Tea", ("250 g", "500 g")),
                    ("Filter Coffee", ("200 g", "500 g")),
                    ("Green Tea Bags", ("25 pcs", "100 pcs")),
                ),
            ),
            (
                "LIQUOR",
                "Liquor",
                "GST28",
                (180, 4500),
                (
                    ("Single Malt Whisky", ("750 ml",)),
                    ("Blended Whisky", ("375 ml", "750 ml")),
                    ("Dark Rum", ("750 ml",)),
                    ("London Dry Gin", ("750 ml",)),
                    ("Red Wine", ("750 ml",)),
                    ("Lager Beer", ("330 ml", "650 ml")),
                ),
            ),
        ),
    ),
    (
        "PERS",
        "Personal care",
        (
            (
                "SOAP",
                "Soap & bath",
                "GST18",
                (30, 450),
                (
                    ("Sandal Soap", ("75 g", "3 x 75 g")),
                    ("Body Wash", ("250 ml",)),
                    ("Hand Wash", ("200 ml", "750 ml")),
                ),
            ),
            (
                "HAIR",
                "Hair care",
                "GST18",
                (60, 700),
                (
                    ("Herbal Shampoo", ("180 ml", "340 ml")),
                    ("Coconut Hair Oil", ("200 ml", "500 ml")),
                    ("Conditioner", ("180 ml",)),
                ),
            ),
        ),
    ),
    (
        "HOME",
        "Household",
        (
            (
                "CLEAN",
                "Cleaning",
                "GST18",
                (40, 650),
                (
                    ("Detergent Powder", ("1 kg", "4 kg")),
                    ("Dishwash Liquid", ("500 ml", "1 L")),
                    ("Floor Cleaner", ("1 L",)),
                    ("Garbage Bags", ("30 pcs",)),
                ),
            ),
            (
                "KITCHEN",
                "Kitchen",
                "GST12",
                (50, 1500),
                (
                    ("Steel Tumbler", ("set of 6",)),
                    ("Aluminium Foil", ("9 m", "25 m")),
                    ("Non-stick Tawa", ("28 cm",)),
                ),
            ),
        ),
    ),
    (
        "TOB",
        "Tobacco",
        (
            (
                "CIG",
                "Cigarettes",
                "GST28",
                (20, 400),
                (
                    ("Filter Cigarettes", ("10s", "20s")),
                    ("Menthol Cigarettes", ("10s", "20s")),
                    ("Cigarillos", ("5s",)),
                ),
            ),
        ),
    ),
)
BRANDS: tuple[str, ...] = (
    "Amrut",
    "Blue Lotus",
    "Daily Fresh",
    "Green Valley",
    "Harvest Gold",
    "Kesari",
    "Nilgiri",
    "Royal",
    "Sahyadri",
    "Trident",
    "Urban Pantry",
    "Value Pack",
    "Zenith",
    "Acme",
)
