#!/usr/bin/env python3
"""Check networks/jjj/zones.csv `area_km2` against the district boundaries.

Each jjj zone's `area_km2` is its built-up area, an estimate from its residents (78 m² per
resident in Beijing, 100 elsewhere; networks/jjj/README.md). This prints, per group of zones
that together make up whole districts or counties, the administrative area of those districts
(from ../shared/data/jjj/boundaries, spherical polygon area) beside the zones' built-up areas,
so that no zone is given more built-up land than its districts hold.

Usage: python3 scripts/zone-areas.py [BOUNDARIES_DIR]
"""
import csv
import json
import math
import os
import sys

EARTH_RADIUS_KM = 6371.0088

# Zone groups and the districts (Chinese names, as in the boundary files) they make up.
GROUPS = [
    (["core", "finstreet"], ["东城区", "西城区"]),
    (["guomao", "wangjing", "chaoyang_north", "chaoyang_se"], ["朝阳区"]),
    (["zhongguancun", "haidian_north", "haidian_west"], ["海淀区"]),
    (["changping", "changping_town"], ["昌平区"]),
    (["fengtai"], ["丰台区"]),
    (["daxing", "yizhuang"], ["大兴区"]),
    (["tongzhou"], ["通州区"]),
    (["mentougou"], ["门头沟区"]),
    (["shijingshan"], ["石景山区"]),
    (["fangshan"], ["房山区"]),
    (["shunyi"], ["顺义区"]),
    (["huairou"], ["怀柔区"]),
    (["miyun"], ["密云区"]),
    (["pinggu"], ["平谷区"]),
    (["yanqing"], ["延庆区"]),
    (["tianjin"], ["和平区", "河东区", "河西区", "南开区", "河北区", "红桥区",
                   "东丽区", "西青区", "津南区", "北辰区"]),
    (["binhai"], ["滨海新区"]),
    (["yanjiao"], ["三河市"]),
    (["dachang"], ["大厂回族自治县"]),
    (["xianghe"], ["香河县"]),
    (["guan"], ["固安县"]),
    (["zhuozhou"], ["涿州市"]),
    (["gaobeidian"], ["高碑店市"]),
    (["huailai"], ["怀来县"]),
    (["zhuolu"], ["涿鹿县"]),
    (["xiongan"], ["雄县", "容城县", "安新县"]),
]


def ring_area_km2(ring):
    """Area of a lon/lat ring on the sphere (the formula of Chamberlain and Duquette 2007)."""
    total = 0.0
    for (lon1, lat1), (lon2, lat2) in zip(ring, ring[1:] + ring[:1]):
        total += math.radians(lon2 - lon1) * (
            2 + math.sin(math.radians(lat1)) + math.sin(math.radians(lat2)))
    return abs(total) * EARTH_RADIUS_KM ** 2 / 2


def feature_area_km2(geometry):
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    area = 0.0
    for polygon in filter(None, polygons):
        area += ring_area_km2(polygon[0]) - sum(ring_area_km2(h) for h in polygon[1:])
    return area


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "..", "shared", "data", "jjj", "boundaries")
    folder = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
        "COMMUTE_BOUNDARIES", default)
    districts = {}
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            for feature in json.load(f)["features"]:
                districts[feature["properties"]["name"]] = feature_area_km2(feature["geometry"])
    with open(os.path.join(here, "..", "networks", "jjj", "zones.csv"), encoding="utf-8") as f:
        zones = {row["id"]: row for row in csv.DictReader(f)}
    print(f"{'zones':28} {'built-up km2':>12} {'admin km2':>10}  ok")
    fine = True
    for ids, names in GROUPS:
        missing = [n for n in names if n not in districts]
        if missing:
            sys.exit(f"no boundary for {missing}")
        built = sum(float(zones[z]["area_km2"]) for z in ids)
        admin = sum(districts[n] for n in names)
        ok = built <= admin
        fine &= ok
        print(f"{'+'.join(ids):28} {built:12.0f} {admin:10.0f}  {'yes' if ok else 'NO'}")
    sys.exit(0 if fine else 1)


if __name__ == "__main__":
    main()
