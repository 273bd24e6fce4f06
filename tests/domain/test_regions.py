# SPDX-License-Identifier: GPL-3.0-or-later
"""The shipped Kaltim region tree (domain.md §2)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from collections import Counter
from importlib.resources import files
from pathlib import Path

import pytest

import kaltim_desktop
from kaltim_desktop.domain.regions import (
    DATA_VERSION,
    Region,
    RegionTree,
    load_regions,
    normalize_code,
    region_tree,
)


@pytest.fixture(scope="module")
def tree() -> RegionTree:
    return region_tree()


def test_data_files_are_shipped_unchanged() -> None:
    data = files("kaltim_desktop").joinpath("data")
    digests = {
        name: hashlib.sha256(data.joinpath(name).read_bytes()).hexdigest()
        for name in ("kaltim_regions.csv", "kaltim_kodepos.csv")
    }
    assert digests == {
        "kaltim_regions.csv": "b084de3d25760dcd5a7ae2ebd2738e061b8ae2bb909a24160890f235f9de007e",
        "kaltim_kodepos.csv": "d004bc21fb6ced68aeb535f7b9155cb01cdd3e54dbd8aa6f991c0e150214b98e",
    }
    assert "Cahya DSN" in data.joinpath("NOTICE.md").read_text(encoding="utf-8")
    assert DATA_VERSION == "kepmendagri-300.2.2-2430-2025"


def test_counts(tree: RegionTree) -> None:
    assert tree.count("province") == 1
    assert tree.count("regency") == 10
    assert tree.count("district") == 105
    assert tree.count("village") == 1038
    assert tree.count("hamlet") == 0
    assert len(tree) == 1154
    kinds = Counter(r.village_kind for r in tree if r.level == "village")
    assert kinds == {"kelurahan": 197, "desa": 841}


def test_per_regency_figures(tree: RegionTree) -> None:
    expected = {
        "64.01": (10, 144, 5),
        "64.02": (20, 237, 44),
        "64.03": (13, 110, 10),
        "64.07": (16, 194, 4),
        "64.08": (18, 141, 2),
        "64.09": (4, 54, 24),
        "64.11": (5, 50, 0),
        "64.71": (6, 34, 34),
        "64.72": (10, 59, 59),
        "64.74": (3, 15, 15),
    }
    assert [r.code for r in tree.regencies()] == list(expected)
    for code, (districts, villages, kelurahan) in expected.items():
        kecamatan = tree.children(code)
        desa_kel = [v for k in kecamatan for v in tree.children(k.code)]
        assert len(kecamatan) == districts, code
        assert len(desa_kel) == villages, code
        assert sum(v.village_kind == "kelurahan" for v in desa_kel) == kelurahan, code


def test_mahakam_ulu(tree: RegionTree) -> None:
    mahulu = tree.get("64.11")
    assert mahulu is not None and mahulu.name == "Kabupaten Mahakam Ulu"
    districts = tree.children("64.11")
    assert [d.name for d in districts] == [
        "Laham",
        "Long Apari",
        "Long Bagun",
        "Long Hubung",
        "Long Pahangai",
    ]
    villages = [v for d in districts for v in tree.children(d.code)]
    assert len(villages) == 50
    assert {v.village_kind for v in villages} == {"desa"}


def test_sepaku_ikn_core(tree: RegionTree) -> None:
    villages = tree.children("64.09.04")
    assert Counter(v.village_kind for v in villages) == {"desa": 11, "kelurahan": 4}


def test_every_village_has_a_postal_code(tree: RegionTree) -> None:
    villages = [r for r in tree if r.level == "village"]
    assert len(villages) == 1038
    for village in villages:
        assert village.postal_code is not None and len(village.postal_code) == 5
        assert village.postal_code.isdigit() and village.postal_code[:3] in {
            "751", "752", "753", "755", "756", "757", "761", "762", "773",
        }  # fmt: skip
    assert all(r.postal_code is None for r in tree if r.level != "village")


def test_get_accepts_dotted_and_plain_codes(tree: RegionTree) -> None:
    village = tree.get("6472011001")
    assert village == tree.get("64.72.01.1001")
    assert village is not None
    assert village.level == "village" and village.parent_code == "64.72.01"
    assert village.plain_code == "6472011001"
    assert village.village_kind == "kelurahan"
    assert tree.get("647201") == tree.get("64.72.01")
    assert tree.get("64").level == "province"
    assert tree.get("64").parent_code is None
    assert tree.get("64.99") is None
    assert tree.get("") is None
    assert tree.get("garbage") is None
    assert "6472011001" in tree and "64.99" not in tree


def test_normalize_code() -> None:
    assert normalize_code("6472011001") == "64.72.01.1001"
    assert normalize_code(" 647201 ") == "64.72.01"
    assert normalize_code("64.72") == "64.72"
    assert normalize_code("12345") == "12345"


def test_children_sorted_by_name(tree: RegionTree) -> None:
    samarinda = tree.children("64.72")
    names = [d.name for d in samarinda]
    assert names == sorted(names, key=str.casefold)
    assert len(names) == 10 and "Palaran" in names
    assert [r.code for r in tree.children(None)] == ["64"]
    assert tree.children("64.99") == []
    assert tree.children("64.72.01.1001") == []


def test_ancestors(tree: RegionTree) -> None:
    chain = tree.ancestors("6472011001")
    assert [r.code for r in chain] == ["64", "64.72", "64.72.01"]
    assert [r.level for r in chain] == ["province", "regency", "district"]
    assert tree.ancestors("64") == []
    assert tree.ancestors("64.99.99") == []


def test_predicates(tree: RegionTree) -> None:
    assert tree.is_village("64.72.01.1001")
    assert not tree.is_village("64.72.01")
    assert not tree.is_village("64.72.01.9999")
    assert tree.has_district("64.72.01") and tree.has_district("640220")
    assert not tree.has_district("64.07.01")  # vacant since Mahakam Ulu split off
    assert not tree.has_district("64.72")


def test_find(tree: RegionTree) -> None:
    sumber_sari = tree.find("sumber  SARI")
    assert len(sumber_sari) == 6
    assert [r.code for r in sumber_sari] == sorted(r.code for r in sumber_sari)
    assert len(tree.find("Sumber Sari", within="64.02")) == 3
    assert len(tree.find("Sumber Sari", within="6402")) == 3
    assert tree.find("Sumber Sari", level="district") == []
    assert [r.code for r in tree.find("kota samarinda", level="regency")] == ["64.72"]
    assert [r.name for r in tree.find("long la'ai")] == ["Long La'ai"]
    assert tree.find("Jakarta") == []


def test_region_tree_is_cached() -> None:
    assert region_tree() is region_tree()


def test_load_regions_from_text() -> None:
    regions = load_regions(
        "code,name,level,parent_code\n64,Kalimantan Timur,province,\n"
        "64.74,Kota Bontang,regency,64\n64.74.02,Bontang Selatan,district,64.74\n"
        "64.74.02.1001,Tanjung Laut,village,64.74.02\n",
        "village_code,postal_code\n64.74.02.1001,75325\n",
    )
    assert regions[-1] == Region("64.74.02.1001", "Tanjung Laut", "village", "64.74.02", "75325")
    assert RegionTree(regions).ancestors("64.74.02.1001")[-1].name == "Bontang Selatan"
    with pytest.raises(ValueError):
        load_regions("code,name,level,parent_code\n64,X,country,\n")


def test_region_data_loads_from_a_zip(tmp_path) -> None:
    # A frozen or zipped build has no files on disk; importlib.resources must still find the CSVs.
    package = Path(kaltim_desktop.__file__).parent
    archive = tmp_path / "app.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in package.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, Path("kaltim_desktop") / path.relative_to(package))
    script = (
        "import kaltim_desktop.domain.regions as r; "
        f"assert r.__file__.startswith({str(archive)!r}), r.__file__; "
        "t = r.region_tree(); print(t.count('village'), t.get('64.11.01').name)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={"PYTHONPATH": str(archive), "KALTIM_LANG": "en"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == "1038 Long Bagun"
