#!/usr/bin/env python3
"""Writes tests/fixtures/osm/mini.osm.pbf, the hand-made OpenStreetMap extract of
tests/osm_import.rs (needs `pip install osmium`). Each way tests one rule of docs/import.md:

- w1 Chang'an Avenue: primary, two-way, maxspeed 60, lanes 4 (2 a direction)
- w2 North Street: residential, oneway=yes, maxspeed "30 mph"
- w3 West Road: secondary, oneway=-1 (runs against its node order)
- w4 Dead End: oneway out of the loop to n7, which cannot be left: outside the largest strongly
  connected part, dropped
- w5 a footway and w6 a private service road: not drivable
- w7 a roundabout: a closed way (one-way by junction=roundabout), cut halfway
- n99 is referenced by w8 but missing from the extract: w8 is cut there

Run from the repository root: python3 scripts/osm-fixture.py
"""
import os
import osmium
from osmium.osm.mutable import Node, Way

NODES = {
    1: (116.400, 39.899), 2: (116.410, 39.899), 3: (116.420, 39.899), 4: (116.430, 39.899),
    5: (116.430, 39.905), 6: (116.400, 39.905), 7: (116.420, 39.895), 8: (116.410, 39.902),
    9: (116.435, 39.905), 10: (116.410, 39.897), 11: (116.412, 39.898), 12: (116.425, 39.903),
}
WAYS = [
    (1, [1, 2, 3, 4], {"highway": "primary", "name": "Chang'an Avenue", "maxspeed": "60", "lanes": "4"}),
    (2, [4, 5, 6], {"highway": "residential", "name": "North Street", "oneway": "yes", "maxspeed": "30 mph"}),
    (3, [1, 6], {"highway": "secondary", "name": "West Road", "oneway": "-1"}),
    (4, [3, 7], {"highway": "residential", "name": "Dead End", "oneway": "yes"}),
    (5, [2, 8], {"highway": "footway"}),
    (6, [5, 9], {"highway": "service", "access": "private"}),
    (7, [2, 10, 11, 2], {"highway": "tertiary", "junction": "roundabout"}),
    (8, [5, 12, 99], {"highway": "residential", "name": "Cut Lane"}),
]

path = "tests/fixtures/osm/mini.osm.pbf"
if os.path.exists(path):
    os.remove(path)
writer = osmium.SimpleWriter(path)
for nid, (lon, lat) in sorted(NODES.items()):
    writer.add_node(Node(id=nid, location=(lon, lat), version=1, changeset=1, timestamp="2024-05-06T00:00:00Z", uid=1, user="commute"))
for wid, refs, tags in WAYS:
    writer.add_way(Way(id=wid, nodes=refs, tags=tags, version=1, changeset=1, timestamp="2024-05-06T00:00:00Z", uid=1, user="commute"))
writer.close()
print(f"wrote {path}")
