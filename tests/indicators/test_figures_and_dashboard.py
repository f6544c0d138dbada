"""The insurer's figures through the service, the command and the page; the dashboards of
the municipality, a life area and a district; the profile page and its PDF."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from chiiki.accounts.models import AuditEvent
from chiiki.areas.models import PopulationRecord
from chiiki.core.tabular import read_csv_bytes
from chiiki.indicators.models import CenterProfile, InsuranceYear
from chiiki.indicators.selectors import dashboard as board
from chiiki.indicators.services.insurance import insurance_import
from chiiki.people.models import CareLevel
from tests.conftest import make_person

HEADER = "年度,第1号被保険者数,要支援1,要支援2,要介護1,要介護2,要介護3,要介護4,要介護5,給付費,第1号保険料"
GOOD = (
    "\n".join(
        [
            HEADER,
            "平成29年度,1000,20,20,40,30,30,30,30,1500000000,5090",
            "平成30年度,1010,22,20,40,30,30,30,28,1600000000,5190",
        ]
    )
    + "\n"
)


def _table(text: str):
    return read_csv_bytes(text.encode("cp932"))


@pytest.fixture
def populated(town):
    """Two dates of population in every district: 100 people, 40 aged 65+, 20 aged 75+."""
    for day in (dt.date(2017, 4, 1), dt.date(2018, 4, 1)):
        for d in (town.n1, town.n2, town.s1, town.s2):
            for age_from, n in ((40, 60), (65, 20), (75, 20)):
                PopulationRecord.objects.create(
                    municipality=town.municipality,
                    district=d,
                    date=day,
                    sex="F",
                    age_from=age_from,
                    count=n,
                )
    return town


def test_import_is_whole_or_nothing_and_the_same_file_twice_changes_nothing(town):
    m = town.municipality
    first = insurance_import(user=None, municipality=m, table=_table(GOOD))
    assert (first.ok, first.created, first.years) == (True, 2, [2017, 2018])
    again = insurance_import(user=None, municipality=m, table=_table(GOOD))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    events = AuditEvent.objects.filter(model="indicators.insuranceyear").count()
    assert events == 1  # the second run changed nothing and wrote nothing
    bad = GOOD + "2019,10,50,0,0,0,0,0,0,1,\n"
    result = insurance_import(
        user=None, municipality=m, table=_table(bad.replace("1600000000", "1700000000"))
    )
    assert not result.ok and result.errors[0]["row"] == 4
    assert InsuranceYear.objects.get(municipality=m, fiscal_year=2018).benefit_cost == 1_600_000_000
    changed = insurance_import(
        user=None, municipality=m, table=_table(GOOD.replace("1600000000", "1700000000"))
    )
    assert (changed.updated, changed.unchanged) == (1, 1)


def test_the_command_prints_its_counts_as_json_and_refuses_a_bad_file(town, tmp_path, capsys):
    path = tmp_path / "report.csv"
    path.write_bytes(GOOD.encode("cp932"))
    call_command(
        "indicators", "figures", "import", str(path), "--municipality", "352047", "--format", "json"
    )
    out = json.loads(capsys.readouterr().out)
    assert (out["created"], out["years"], out["ok"]) == (2, [2017, 2018], True)
    path.write_bytes((GOOD + "2018,1,0,0,0,0,0,0,0,1,\n").encode("utf-8"))
    with pytest.raises(CommandError, match="4行目「年度」: 2018年度は3行目にもあります"):
        call_command("indicators", "figures", "import", str(path), "--municipality", "352047")
    path.write_bytes(b"\x00\xff\xfe garbage")
    with pytest.raises(CommandError, match="何も保存していません"):
        call_command("indicators", "figures", "import", str(path), "--municipality", "352047")
    assert InsuranceYear.objects.count() == 2


def test_the_page_imports_through_a_job_and_a_nurse_cannot(client, town, personas):
    client.force_login(personas["nurse"])
    assert client.get(reverse("indicators:figures")).status_code == 403
    client.force_login(personas["officer"])
    upload = SimpleUploadedFile("report.csv", GOOD.encode("cp932"), content_type="text/csv")
    response = client.post(reverse("indicators:figures"), {"file": upload}, follow=True)
    assert "介護保険事業状況報告" in response.content.decode()
    page = client.get(reverse("indicators:figures")).content.decode()
    assert "1,600,000,000" in page or "1600000000" in page
    assert InsuranceYear.objects.filter(municipality=town.municipality).count() == 2


def test_the_municipality_dashboard_has_every_section_from_the_records(client, populated, personas):
    insurance_import(user=None, municipality=populated.municipality, table=_table(GOOD))
    client.force_login(personas["coordinator"])
    page = client.get(reverse("indicators:dashboard")).content.decode()
    for title in (
        "人口と高齢化率",
        "認定率",
        "介護給付費",
        "通いの場",
        "助け合い",
        "ニーズ調査",
        "地域課題",
    ):
        assert title in page
    sections = {
        s.key: s
        for s in board.dashboard(
            personas["admin"], populated.municipality, board.areas_of(populated.municipality)[0]
        )
    }
    assert sections["population"].rows[-1] == [
        "2018-04-01",
        400,
        160,
        80,
        pytest.approx(40),
        pytest.approx(20),
    ]
    cert = sections["certification"].rows[-1]
    assert cert[0] == 2018 and cert[-2] == 200 and str(cert[-1]) == "19.8"
    assert "2018年度の認定率は19.8%" in sections["certification"].summary
    assert sections["costs"].rows[-1][:3] == [2018, 1_600_000_000, 1_584_158]


def test_a_district_dashboard_counts_the_register_and_says_what_the_report_lacks(
    populated, personas
):
    town = populated
    for level in (CareLevel.CARE_1, CareLevel.SUPPORT_2, CareLevel.NONE, CareLevel.NONE):
        make_person(town.n1, birth_date=dt.date(1940, 5, 5), care_level=level)
    make_person(town.n1, birth_date=dt.date(1990, 5, 5))  # under 65: not counted
    make_person(town.s1, birth_date=dt.date(1940, 5, 5), care_level=CareLevel.CARE_5)
    area = next(a for a in board.areas_of(town.municipality) if a.key == f"d{town.n1.pk}")
    sections = {s.key: s for s in board.dashboard(personas["admin"], town.municipality, area)}
    assert sections["population"].rows[-1][1:4] == [100, 40, 20]
    assert sections["certification"].rows[0][1] == 4
    assert sections["certification"].rows[0][-2:] == [2, pytest.approx(50)]
    assert "圏域・地区別" in sections["costs"].missing
    life = next(a for a in board.areas_of(town.municipality) if a.key == f"l{town.south.pk}")
    south = {s.key: s for s in board.dashboard(personas["admin"], town.municipality, life)}
    assert south["certification"].rows[0][-2] == 1


def test_downloads_and_the_area_parameter(client, populated, personas):
    client.force_login(personas["officer"])
    url = reverse("indicators:dashboard")
    key = f"l{populated.north.pk}"
    csv_response = client.get(url, {"area": key, "section": "population", "format": "csv"})
    assert csv_response.status_code == 200
    text = csv_response.content.decode("utf-8-sig").splitlines()
    assert text[0].startswith("基準日,総人口") and text[-1].startswith("2018-04-01,200,80,40")
    xlsx = client.get(url, {"area": key, "section": "population", "format": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in ws[3]][:4] == ["2018-04-01", 200, 80, 40]
    # Another municipality's district, or nonsense, is refused with the parameter named.
    for bad in ("d999999", "l-1", "m' OR 1=1", "x" * 500):
        response = client.get(url, {"area": bad})
        assert response.status_code == 400 and "area" in response.content.decode()


def test_the_profile_page_the_center_form_and_the_pdf(client, populated, personas):
    client.force_login(personas["officer"])
    insurance_import(user=None, municipality=populated.municipality, table=_table(GOOD))
    response = client.post(reverse("indicators:centers_set"), {"direct": "0", "commissioned": "0"})
    assert response.status_code == 400 and "1以上" in response.content.decode()
    client.post(reverse("indicators:centers_set"), {"direct": "2", "commissioned": "0", "note": ""})
    assert CenterProfile.objects.get(municipality=populated.municipality).direct == 2
    page = client.get(reverse("indicators:profile")).content.decode()
    assert (
        "平成30年4月時点で総人口400人。うち、65歳以上高齢者人口160人(40.0%)、75歳以上高齢者人口80人(20.0%)。"
        "第7期第1号保険料5,190円。地域包括支援センターは直営で2カ所設置。"
    ) in page
    older = client.get(reverse("indicators:profile"), {"date": "2017-04-01"}).content.decode()
    assert "平成29年4月時点" in older and "第6期第1号保険料5,090円" in older
    pdf = client.get(reverse("indicators:profile_pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.force_login(personas["nurse"])
    assert client.post(reverse("indicators:centers_set"), {"direct": "9"}).status_code == 403
    assert client.get(reverse("indicators:profile")).status_code == 200
