#!/usr/bin/python3
"""Writes data/catalog.xml and data/sales.csv, the example's bundled data.

Deterministic (fixed seed): run it again and the files come out the same.
    /usr/bin/python3 examples/jvm/gen_data.py
"""
import datetime
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
CATEGORIES = {
    "tools": ["hammer", "wrench", "drill", "saw", "pliers", "level", "chisel"],
    "garden": ["rake", "hose", "shovel", "trowel", "planter", "sprinkler"],
    "kitchen": ["kettle", "skillet", "whisk", "colander", "grater", "ladle", "tongs"],
    "office": ["stapler", "binder", "lamp", "ruler", "scissors", "tape"],
    "outdoor": ["tent", "lantern", "cooler", "hammock", "compass"],
    "toys": ["kite", "puzzle", "yo-yo", "marbles", "blocks", "top"],
}
REGIONS = ["north", "south", "east", "west", "central"]
TAGS = ["steel", "wood", "plastic", "eco", "premium", "compact", "classic", "kids"]


def main():
    rng = random.Random(20240601)
    products = []
    for cat, names in CATEGORIES.items():
        for i, name in enumerate(names):
            sku = f"{cat[:3].upper()}-{100 + 7 * i:03d}"
            price = rng.randrange(199, 15000)
            tags = sorted(rng.sample(TAGS, rng.randint(1, 3)))
            products.append((sku, name, cat, price, tags))
    os.makedirs(os.path.join(HERE, "data"), exist_ok=True)
    with open(os.path.join(HERE, "data", "catalog.xml"), "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<catalog version="3">\n')
        for sku, name, cat, price, tags in products:
            f.write(f'  <product sku="{sku}" category="{cat}">\n'
                    f'    <name>{name}</name>\n    <list-price cents="{price}"/>\n')
            for t in tags:
                f.write(f'    <tag>{t}</tag>\n')
            f.write('  </product>\n')
        f.write('</catalog>\n')
    start = datetime.date(2023, 1, 1)
    with open(os.path.join(HERE, "data", "sales.csv"), "w") as f:
        f.write("date,region,sku,units,unit_price_cents\n")
        for _ in range(8000):
            d = start + datetime.timedelta(days=rng.randrange(730))
            sku, _, _, price, _ = rng.choice(products)
            discount = rng.choice([100, 100, 100, 95, 90, 80])
            f.write(f"{d.isoformat()},{rng.choice(REGIONS)},{sku},{rng.randint(1, 12)},"
                    f"{price * discount // 100}\n")


if __name__ == "__main__":
    main()
