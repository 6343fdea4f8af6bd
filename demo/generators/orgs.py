"""Deterministic demo and scale data: a realistic Chinese city (or a province of cities) with its party
organisations, members and leading cadres (the `orgs` part of demo.parts: `manage.py gendata`, `manage.py demo`).

Same scale and seed → the same organisations, paths, codes and people, whatever the database: every random
choice comes from `random.Random` seeded with a string derived from the seed and the place in the tree (no
dict/set ordering, no clock). The tree is written without treebeard's per-node `add_child`: materialized paths
(steplen 4, base 36), depth and numchild are computed here and rows go in with bulk inserts, one county's
subtree at a time, so even the province scale streams in bounded memory. Roll-up counters are rebuilt once at
the end, and one audit entry records the load (no per-row entries for generated data), as the command's system
actor.
"""

import datetime as dt
import functools
import itertools
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.utils import timezone

from accounts.actors import Actor
from core import cn
from core.audit import audit_context, record
from core.models import AuditEntry
from orgs.choices import Gender, MemberCategory, OrgKind, Rank, Sector, Tier
from orgs.counters import analyze, rollup_rebuild
from orgs.models import Cadre, Member, Organization

# The day the generated registry describes: ages, join dates and probation are measured from it.
REFERENCE_DATE = dt.date(2023, 9, 1)
PROBATION_START = REFERENCE_DATE - dt.timedelta(days=365)
BIRTH_MIN = dt.date(1940, 1, 1)
BIRTH_MAX = dt.date(2003, 12, 31)
PROVINCE_DIVISION = "130000"
ALPHABET = Organization.alphabet
STEPLEN = Organization.steplen


class GendataError(Exception):
    """Generation refused (the message is shown to the operator as is)."""


@dataclass(frozen=True)
class Scale:
    cities: int  # 1 = a city is the root; more = a province committee above them
    counties: int  # per city
    townships: tuple[int, int]  # per county
    villages: tuple[int, int]  # villages or communities per township
    county_organs: int
    county_units: int
    county_schools: int
    county_enterprises: int
    county_non_public: int
    county_social: int
    city_organs: int
    city_units: int
    city_institutions: int
    city_enterprises: int
    member_factor: float = 1.0


SCALES: dict[str, Scale] = {
    "tiny": Scale(cities=1, counties=1, townships=(2, 2), villages=(3, 4), county_organs=4, county_units=1,
                  county_schools=1, county_enterprises=1, county_non_public=2, county_social=1,
                  city_organs=2, city_units=1, city_institutions=1, city_enterprises=1, member_factor=0.15),
    "demo": Scale(cities=1, counties=4, townships=(8, 10), villages=(11, 18), county_organs=18, county_units=5,
                  county_schools=4, county_enterprises=3, county_non_public=7, county_social=3,
                  city_organs=24, city_units=6, city_institutions=5, city_enterprises=4),
    "city": Scale(cities=1, counties=17, townships=(12, 18), villages=(20, 34), county_organs=30, county_units=8,
                  county_schools=6, county_enterprises=5, county_non_public=14, county_social=5,
                  city_organs=36, city_units=10, city_institutions=8, city_enterprises=6),
    "province": Scale(cities=11, counties=18, townships=(12, 20), villages=(20, 36), county_organs=30,
                      county_units=8, county_schools=6, county_enterprises=5, county_non_public=14,
                      county_social=5, city_organs=36, city_units=10, city_institutions=8, city_enterprises=6),
}

# --------------------------------------------------------------------------------------------------------
# Name tables.

# Surnames with their approximate share of the population (per mille), most common first.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 45), ("杨", 31), ("赵", 20), ("黄", 22), ("周", 19),
    ("吴", 20), ("徐", 15), ("孙", 15), ("胡", 12), ("朱", 13), ("高", 10), ("林", 10), ("何", 10), ("郭", 11),
    ("马", 13), ("罗", 9), ("梁", 7), ("宋", 6), ("郑", 8), ("谢", 6), ("韩", 5), ("唐", 5), ("冯", 5),
    ("于", 4), ("董", 4), ("萧", 2), ("程", 3), ("曹", 5), ("袁", 4), ("邓", 5), ("许", 5), ("傅", 2),
    ("沈", 3), ("曾", 4), ("彭", 4), ("吕", 3), ("苏", 3), ("卢", 3), ("蒋", 4), ("蔡", 4), ("贾", 2),
    ("丁", 3), ("魏", 3), ("薛", 2), ("叶", 3), ("阎", 2), ("余", 3), ("潘", 4), ("杜", 3), ("戴", 2),
    ("夏", 2), ("钟", 3), ("汪", 2), ("田", 4), ("任", 3), ("姜", 3), ("范", 2), ("方", 2), ("石", 2),
    ("姚", 3), ("谭", 3), ("廖", 2), ("邹", 2), ("熊", 2), ("金", 2), ("陆", 2), ("郝", 2), ("孔", 2),
    ("白", 2), ("崔", 3), ("康", 1), ("毛", 2), ("邱", 2), ("秦", 2), ("江", 2), ("史", 2), ("顾", 2),
    ("侯", 2), ("邵", 2), ("孟", 2), ("龙", 2), ("万", 2), ("段", 2), ("雷", 2), ("钱", 2), ("汤", 2),
    ("尹", 2), ("黎", 2), ("易", 1), ("常", 1), ("武", 2), ("乔", 1), ("贺", 2), ("赖", 1), ("龚", 2),
    ("文", 1), ("欧阳", 0.3), ("司马", 0.05), ("诸葛", 0.05), ("上官", 0.05),
)
_SURNAME_CHARS = [s for s, _ in SURNAMES]
_SURNAME_CUM = list(itertools.accumulate(w for _, w in SURNAMES))

MALE_CHARS = "伟强磊军勇杰涛斌明超刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国峰亮成志海东文兵春庆德福生利宏振忠新民永"
FEMALE_CHARS = "芳娜敏静丽艳娟霞燕玲桂英秀兰红梅琳丹萍洁雪慧婷倩颖莉晶玉凤云琴珍荣彩霞月娥翠莲欣悦佳怡"
SHARED_CHARS = "文明华晓海春红子思嘉雨一安瑞晨欣"

PLACE_FIRST = "东西南北安长永平宁清丰泰兴华顺广定新龙临金青阳宝河白桃柳杨槐马高大小上下前后"
PLACE_SECOND = "城阳安平宁山川河源州乡丰水原泉台关庄集店屯营寨堡桥湾坡岭峪沟店坊铺塘洼岗"
VILLAGE_SUFFIX = ("庄", "村", "营", "屯", "寨", "堡", "店", "集", "洼", "岗", "铺", "庄子", "家庄", "家营")
COMMUNITY_SUFFIX = ("园", "苑", "里", "街", "路", "湖", "城", "花园", "新村", "家园")
COMMUNITY_WORDS = ("幸福", "和平", "建设", "光明", "胜利", "友谊", "朝阳", "文化", "民主", "团结", "振兴", "繁荣",
                   "育才", "锦绣", "翠竹", "丽景", "阳光", "金桥", "怡和", "新华", "康乐", "紫荆")
DIRECTIONS = ("东关", "西关", "南关", "北关", "前街", "后街", "东街", "西街")
CITY_NAMES = ("临川", "安平", "永宁", "清源", "宁远", "丰泽", "景川", "河阳", "平原", "长宁", "兴安", "泰和")
COUNTY_ORGANS = (
    "县委办公室", "县人大常委会", "县政府", "县政协", "县纪委监委", "县委组织部", "县委宣传部", "县委统战部",
    "县委政法委", "县发展和改革局", "县教育局", "县科学技术和工业信息化局", "县公安局", "县民政局", "县司法局",
    "县财政局", "县人力资源和社会保障局", "县自然资源和规划局", "县住房和城乡建设局", "县交通运输局", "县水利局",
    "县农业农村局", "县商务局", "县文化广电和旅游局", "县卫生健康局", "县退役军人事务局", "县应急管理局",
    "县审计局", "县市场监督管理局", "县统计局", "县医疗保障局", "县信访局", "县行政审批局", "县林业局",
    "县乡村振兴局", "县总工会", "团县委", "县妇联",
)
# Organs whose party group is led by county-level (县处级) cadres.
COUNTY_KEY_ORGANS = frozenset({"县人大常委会", "县政府", "县政协", "县纪委监委"})
# 县委 departments keep a 机关党支部 and no party group.
COUNTY_PARTY_DEPTS = frozenset({"县委办公室", "县委组织部", "县委宣传部", "县委统战部", "县委政法委"})
COUNTY_UNITS = ("县融媒体中心", "县委党校", "县机关事务服务中心", "县档案馆", "县供销合作社",
                "县住房公积金管理中心", "县不动产登记中心", "县公共资源交易中心", "县城市管理综合执法大队",
                "县政务服务中心")
COUNTY_SCHOOLS = ("县第一中学", "县第二中学", "县实验中学", "县实验小学", "县职业技术教育中心", "县第三中学",
                  "县第一小学", "县特殊教育学校")
COUNTY_ENTERPRISES = ("县城市建设投资集团有限公司", "县水务有限公司", "县供热有限公司", "县国有资产经营有限公司",
                      "县农业发展投资有限公司", "县交通投资有限公司", "县粮食储备有限公司")
COMPANY_WORDS = ("建材", "机械", "食品", "纺织", "化工", "物流", "电子", "农业科技", "建筑工程", "商贸", "制衣",
                 "塑业", "印务", "钢构", "新能源", "医药", "家具", "汽车服务", "生物科技", "包装")
SOCIAL_NAMES = ("县个体劳动者协会", "县律师协会", "县总商会", "县注册会计师协会", "县慈善总会", "县老年体育协会",
                "县书法家协会", "县物流行业协会", "县餐饮行业协会", "县民办教育协会")
CITY_ORGANS = (
    "市人大常委会", "市政府", "市政协", "市纪委监委", "市委办公室", "市委组织部", "市委宣传部", "市委统战部",
    "市委政法委", "市发展和改革委员会", "市教育局", "市科学技术局", "市工业和信息化局", "市公安局", "市民政局",
    "市司法局", "市财政局", "市人力资源和社会保障局", "市自然资源和规划局", "市生态环境局", "市住房和城乡建设局",
    "市交通运输局", "市水利局", "市农业农村局", "市商务局", "市文化广电和旅游局", "市卫生健康委员会",
    "市退役军人事务局", "市应急管理局", "市审计局", "市国有资产监督管理委员会", "市市场监督管理局", "市统计局",
    "市医疗保障局", "市信访局", "市行政审批局", "市总工会", "团市委", "市妇联", "市城市管理综合行政执法局",
)
CITY_KEY_ORGANS = frozenset({"市人大常委会", "市政府", "市政协", "市纪委监委"})
CITY_PARTY_DEPTS = frozenset({"市委办公室", "市委组织部", "市委宣传部", "市委统战部", "市委政法委"})
CITY_UNITS = ("市委党校", "市融媒体中心", "市机关事务管理局", "市档案馆", "市住房公积金管理中心", "市供销合作社",
              "市公共资源交易中心", "市政务服务管理办公室", "市地方志办公室", "市社会科学界联合会", "市科学技术协会",
              "市红十字会")
CITY_INSTITUTIONS = (("市第一医院", "hospital"), ("市第一中学", "school"), ("市职业技术学院", "school"),
                     ("市中心医院", "hospital"), ("市中医院", "hospital"), ("市第二中学", "school"),
                     ("市妇幼保健院", "hospital"), ("市实验中学", "school"), ("市疾病预防控制中心", "hospital"),
                     ("市第三中学", "school"))
CITY_ENTERPRISES = ("市城市发展投资集团有限公司", "市交通投资集团有限公司", "市水务集团有限公司",
                    "市国有资本运营有限公司", "市文化旅游投资集团有限公司", "市供热集团有限公司",
                    "市公共交通集团有限公司", "市农业发展集团有限公司")
HOSPITAL_BRANCHES = ("行政后勤党支部", "内科党支部", "外科党支部", "医技党支部", "护理党支部", "离退休党支部")
SCHOOL_BRANCHES = ("高一年级党支部", "高二年级党支部", "高三年级党支部", "行政党支部", "离退休教师党支部")
ENTERPRISE_BRANCHES = ("机关党支部", "工程建设党支部", "运营管理党支部", "财务审计党支部", "项目一部党支部",
                       "项目二部党支部")
ETHNIC_MINORITIES = ("回族", "满族", "蒙古族", "壮族", "土家族", "朝鲜族")

# Member profiles: (birth-year low, mode, high, share of women, mobile rate among those aged 20 to 55).
PROFILES: dict[str, tuple[int, int, int, float, float]] = {
    "village": (1940, 1962, 2001, 0.22, 0.20),
    "community": (1940, 1958, 2001, 0.40, 0.08),
    "organ": (1964, 1982, 2000, 0.33, 0.01),
    "school": (1963, 1985, 2000, 0.55, 0.01),
    "hospital": (1963, 1984, 2000, 0.60, 0.01),
    "enterprise": (1963, 1980, 2001, 0.25, 0.06),
    "non_public": (1965, 1985, 2002, 0.30, 0.20),
    "social": (1950, 1975, 2001, 0.40, 0.10),
    "retired": (1940, 1950, 1963, 0.30, 0.0),
}


# --------------------------------------------------------------------------------------------------------
# The plan: a tree of nodes, each with the people registered in it.


@dataclass(slots=True)
class Node:
    name: str
    kind: str
    sector: str
    tier: str
    division: str  # the division whose code counter numbers this node (also its division_code when shown)
    unit_name: str = ""
    credit_code: str = ""
    division_code: str = ""
    members: list[tuple] = field(default_factory=list)
    cadres: list[tuple] = field(default_factory=list)
    children: list["Node | Lazy"] = field(default_factory=list)


@dataclass(slots=True)
class Lazy:
    """A subtree built only when the writer reaches it (a county), so memory stays bounded."""

    build: Callable[[], Node]


class People:
    """Names, ID numbers and phones for one city: ID numbers are unique within (division, birth, gender)."""

    def __init__(self, divisions: list[str]) -> None:
        self.divisions = divisions
        self.used: dict[tuple[str, dt.date, str], int] = {}

    def name(self, rng: random.Random, gender: str) -> str:
        surname = rng.choices(_SURNAME_CHARS, cum_weights=_SURNAME_CUM)[0]
        pool = MALE_CHARS if gender == Gender.MALE else FEMALE_CHARS
        first = rng.choice(pool if rng.random() < 0.8 else SHARED_CHARS)
        if rng.random() < 0.3:
            return surname + first
        return surname + first + rng.choice(pool)

    def id_number(self, rng: random.Random, division: str, birth: dt.date, gender: str) -> tuple[str, dt.date]:
        while True:
            key = (division, birth, gender)
            seq = self.used.get(key, 0)
            if seq < 500:
                self.used[key] = seq + 1
                return cn.make_id_number(division, birth, seq, gender), birth
            birth += dt.timedelta(days=1)

    @staticmethod
    def phone(rng: random.Random) -> str:
        return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def make_credit(division: str, serial: int, kind: str) -> str:
    """A valid credit code whose 9-character organisation code looks random but is unique per serial
    (multiplying by a number prime to 31 permutes the residues modulo 31**9)."""
    return cn.make_credit_code(division, (serial * 7_777_777_777 + 3_141_592_653_589) % 31**9, kind)


def _date_between(rng: random.Random, low: dt.date, high: dt.date) -> dt.date:
    return dt.date.fromordinal(rng.randint(low.toordinal(), high.toordinal()))


def _add_years(day: dt.date, years: int) -> dt.date:
    return dt.date(day.year + years, day.month, min(day.day, 28))


class CityPlanner:
    """Plans one city: its own committee, city-level units, and its counties (each a Lazy subtree)."""

    def __init__(self, scale: Scale, seed: int, index: int, city_division: str, city_name: str,
                 serials: Iterator[int], members: bool = True) -> None:
        self.scale = scale
        self.with_members = members
        self.seed = seed
        self.index = index
        self.division = city_division
        self.city = city_name
        self.serials = serials  # credit-code serial numbers, shared by the whole run
        rng = random.Random(f"{seed}/city/{index}")
        n = scale.counties
        districts = max(1, n // 3) if n > 1 else 0
        self.county_types = ["区"] * districts + ["县"] * (n - districts)
        self.county_divisions = [
            f"{city_division[:4]}{(2 + i * 2 if t == '区' else 21 + (i - districts) * 2):02d}"
            for i, t in enumerate(self.county_types)
        ]
        names: list[str] = []
        while len(names) < n:
            cand = rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND)
            if cand not in names and cand != city_name:
                names.append(cand)
        self.county_names = names
        self.people = People(self.county_divisions or [city_division])

    # -- people ------------------------------------------------------------------------------------------

    def _members(self, rng: random.Random, profile: str, low: int, high: int,
                 divisions: list[str]) -> list[tuple]:
        if not self.with_members:  # a registry of organisations and cadres only (benchmarks of other tables)
            return []
        count = max(1, round(rng.randint(low, high) * self.scale.member_factor))
        y_low, y_mode, y_high, women, mobile_rate = PROFILES[profile]
        rows = []
        for _ in range(count):
            gender = Gender.FEMALE if rng.random() < women else Gender.MALE
            probationary = profile != "retired" and rng.random() < 0.05
            if probationary:
                birth = _date_between(rng, dt.date(max(y_low, 1980), 1, 1), dt.date(min(y_high, 2003), 12, 31))
                birth = min(birth, _add_years(PROBATION_START, -18) - dt.timedelta(days=1))
            else:
                year = round(rng.triangular(y_low, y_high, y_mode))
                birth = _date_between(rng, dt.date(year, 1, 1), dt.date(year, 12, 31))
            birth = min(max(birth, BIRTH_MIN), BIRTH_MAX)
            id_number, birth = self.people.id_number(rng, rng.choice(divisions), birth, gender)
            if probationary:
                joined = _date_between(rng, max(PROBATION_START, birth + dt.timedelta(days=18 * 366)),
                                       REFERENCE_DATE - dt.timedelta(days=1))
            else:
                earliest = birth + dt.timedelta(days=18 * 366)
                latest = PROBATION_START - dt.timedelta(days=1)
                typical = min(_add_years(birth, rng.randint(20, 40)), latest)
                joined = _date_between(rng, min(earliest, typical), typical)
            age = (REFERENCE_DATE - birth).days // 365
            frail = age >= 65 and rng.random() < (0.6 if age >= 80 else 0.35 if age >= 70 else 0.08)
            mobile = not frail and 20 <= age <= 55 and rng.random() < mobile_rate
            ethnicity = "汉族" if rng.random() < 0.95 else rng.choice(ETHNIC_MINORITIES)
            phone = "" if frail and rng.random() < 0.3 else People.phone(rng)
            rows.append((
                self.people.name(rng, gender), str(gender), ethnicity, birth, id_number, phone, joined,
                str(MemberCategory.PROBATIONARY if probationary else MemberCategory.FULL), mobile, frail,
            ))
        return rows

    def _cadres(self, rng: random.Random, specs: Sequence[tuple[int, str]], divisions: list[str]) -> list[tuple]:
        rows = []
        for rank, position in specs:
            gender = Gender.FEMALE if rng.random() < 0.2 else Gender.MALE
            birth = _date_between(rng, dt.date(1963, 1, 1), dt.date(1990, 12, 31))
            id_number, _ = self.people.id_number(rng, rng.choice(divisions), birth, gender)
            rows.append((self.people.name(rng, gender), id_number, position, int(rank)))
        return rows

    def _credit(self, division: str, kind: str) -> str:
        return make_credit(division, next(self.serials), kind)

    # -- units -------------------------------------------------------------------------------------------

    def _organ(self, rng: random.Random, prefix: str, organ: str, tier: str, division: str, level: str,
               key: frozenset[str], party_depts: frozenset[str], divisions: list[str]) -> Node:
        """`organ` names the organ with 县 or 市 where the place goes ("县教育局", "团市委")."""
        unit = organ.replace("市" if level == "city" else "县", prefix, 1)
        if level == "city":
            chief, deputy = ((Rank.BUREAU_CHIEF, Rank.BUREAU_DEPUTY) if organ in key
                             else (Rank.COUNTY_CHIEF, Rank.COUNTY_DEPUTY))
        else:
            chief, deputy = ((Rank.COUNTY_CHIEF, Rank.COUNTY_DEPUTY) if organ in key
                             else (Rank.SECTION_CHIEF, Rank.SECTION_DEPUTY))
        cadres = [(chief, "主要负责人")] + [(deputy, "副职") for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.15:
            cadres.append((Rank.OTHER, "二级调研员" if level == "city" else "四级主任科员"))
        credit = self._credit(division, "11")
        if organ in party_depts:
            return Node(f"{unit}机关党支部", OrgKind.BRANCH, Sector.ORGAN, tier, division, unit, credit,
                        members=self._members(rng, "organ", 8, 30, divisions),
                        cadres=self._cadres(rng, cadres, divisions))
        group = Node(f"{unit}党组", OrgKind.PARTY_GROUP, Sector.ORGAN, tier, division, unit, credit,
                     cadres=self._cadres(rng, cadres, divisions))
        branches = rng.choice((1, 1, 2, 2, 3))
        for b in range(branches):
            label = "机关党支部" if branches == 1 else f"机关第{'一二三'[b]}党支部"
            group.children.append(Node(f"{unit}{label}", OrgKind.BRANCH, Sector.ORGAN, tier, division, unit,
                                       members=self._members(rng, "organ", 8, 30, divisions)))
        if rng.random() < 0.3:
            group.children.append(Node(f"{unit}离退休干部党支部", OrgKind.BRANCH, Sector.ORGAN, tier, division,
                                       unit, members=self._members(rng, "retired", 8, 25, divisions)))
        return group

    def _institution(self, rng: random.Random, unit: str, profile: str, tier: str, division: str,
                     rank: tuple[int, int], divisions: list[str], big: bool) -> Node:
        credit = self._credit(division, "12")
        head = "院长" if profile == "hospital" else "校长"
        cadres = self._cadres(rng, [(rank[0], "党委书记" if big else "党组织书记"), (rank[0], head)]
                              + [(rank[1], "副职")] * rng.randint(1, 3)
                              + ([(Rank.OTHER, "总会计师")] if rng.random() < 0.3 else []), divisions)
        if not big:
            kind = OrgKind.BRANCH if rng.random() < 0.7 else OrgKind.GENERAL_BRANCH
            node = Node(f"{unit}{kind.label}", kind, Sector.INSTITUTION, tier, division, unit, credit,
                        cadres=cadres)
            if kind == OrgKind.BRANCH:
                node.members = self._members(rng, profile, 10, 40, divisions)
                return node
            node.children = [
                Node(f"{unit}第{'一二三'[i]}党支部", OrgKind.BRANCH, Sector.INSTITUTION, tier, division, unit,
                     members=self._members(rng, profile, 8, 25, divisions)) for i in range(rng.randint(2, 3))
            ]
            return node
        node = Node(f"{unit}党委", OrgKind.COMMITTEE, Sector.INSTITUTION, tier, division, unit, credit,
                    cadres=cadres)
        names = HOSPITAL_BRANCHES if profile == "hospital" else SCHOOL_BRANCHES
        for label in names[: rng.randint(3, len(names))]:
            node.children.append(Node(f"{unit}{label}", OrgKind.BRANCH, Sector.INSTITUTION, tier, division,
                                      unit, members=self._members(rng, "retired" if "离退休" in label else profile,
                                                                  10, 45, divisions)))
        return node

    def _enterprise(self, rng: random.Random, unit: str, tier: str, division: str, rank: tuple[int, int],
                    divisions: list[str]) -> Node:
        credit = self._credit(division, "91")
        cadres = self._cadres(rng, [(rank[0], "党委书记、董事长"), (rank[1], "总经理")]
                              + [(rank[1], "副总经理")] * rng.randint(0, 2)
                              + [(Rank.OTHER, "总经理助理")] * rng.randint(0, 1), divisions)
        node = Node(f"{unit}党委", OrgKind.COMMITTEE, Sector.STATE_ENTERPRISE, tier, division, unit, credit,
                    cadres=cadres)
        for label in ENTERPRISE_BRANCHES[: rng.randint(2, len(ENTERPRISE_BRANCHES))]:
            node.children.append(Node(f"{unit}{label}", OrgKind.BRANCH, Sector.STATE_ENTERPRISE, tier, division,
                                      unit, members=self._members(rng, "enterprise", 8, 35, divisions)))
        return node

    def _company(self, rng: random.Random, place: str, division: str) -> str:
        return f"{place}{rng.choice(PLACE_FIRST)}{rng.choice(PLACE_SECOND)}{rng.choice(COMPANY_WORDS)}有限公司"

    def _non_public(self, rng: random.Random, place: str, tier: str, division: str,
                    divisions: list[str]) -> Node:
        if rng.random() < 0.3:
            unit = f"{place}{rng.choice(('商贸', '小微企业', '个体工商户', '物流园区', '工业园区'))}"
            return Node(f"{unit}联合党支部", OrgKind.JOINT_BRANCH, Sector.NON_PUBLIC, tier, division, unit,
                        members=self._members(rng, "non_public", 5, 20, divisions))
        unit = self._company(rng, place, division)
        return Node(f"{unit}党支部", OrgKind.BRANCH, Sector.NON_PUBLIC, tier, division, unit,
                    self._credit(division, "91"), members=self._members(rng, "non_public", 3, 15, divisions))

    def _social(self, rng: random.Random, unit: str, tier: str, division: str, divisions: list[str]) -> Node:
        return Node(f"{unit}党支部", OrgKind.BRANCH, Sector.SOCIAL, tier, division, unit,
                    self._credit(division, rng.choice(("51", "52"))),
                    members=self._members(rng, "social", 3, 12, divisions))

    # -- the city ----------------------------------------------------------------------------------------

    def city_node(self, tier_children: bool = True) -> Node:
        s = self.scale
        rng = random.Random(f"{self.seed}/city/{self.index}/top")
        div, city, divs = self.division, self.city, self.people.divisions
        root = Node(f"{city}市委", OrgKind.COMMITTEE, Sector.ORGAN, Tier.CITY, div, f"中共{city}市委员会",
                    self._credit(div, "11"), division_code=div,
                    cadres=self._cadres(rng, [(Rank.BUREAU_CHIEF, "市委书记"), (Rank.BUREAU_CHIEF, "市长")]
                                        + [(Rank.BUREAU_DEPUTY, "市委常委")] * rng.randint(8, 11), divs))
        organs = list(CITY_ORGANS[: min(s.city_organs, len(CITY_ORGANS))])
        for organ in organs:
            root.children.append(self._organ(rng, city + "市", organ, Tier.CITY, div, "city", CITY_KEY_ORGANS,
                                             CITY_PARTY_DEPTS, divs))
        for unit in CITY_UNITS[: s.city_units]:
            name = f"{city}{unit}"
            root.children.append(Node(
                f"{name}党支部" if rng.random() < 0.7 else f"{name}党总支", OrgKind.BRANCH, Sector.AFFILIATED,
                Tier.CITY, div, name, self._credit(div, "12"),
                members=self._members(rng, "organ", 10, 35, divs),
                cadres=self._cadres(rng, [(Rank.COUNTY_CHIEF, "主要负责人"), (Rank.COUNTY_DEPUTY, "副职")], divs)))
        for n, (unit, profile) in enumerate(CITY_INSTITUTIONS[: s.city_institutions]):
            root.children.append(self._institution(rng, f"{city}{unit}", profile, Tier.CITY, div,
                                                   (Rank.COUNTY_CHIEF, Rank.COUNTY_DEPUTY), divs, big=n < 4))
        for unit in CITY_ENTERPRISES[: s.city_enterprises]:
            root.children.append(self._enterprise(rng, f"{city}{unit}", Tier.CITY, div,
                                                  (Rank.COUNTY_CHIEF, Rank.COUNTY_DEPUTY), divs))
        two_new = Node(f"{city}市非公有制经济组织综合党委", OrgKind.COMMITTEE, Sector.NON_PUBLIC, Tier.CITY, div,
                       f"{city}市非公有制经济组织综合党委")
        two_new.children = [self._non_public(rng, city + "市", Tier.CITY, div, divs)
                            for _ in range(max(1, s.city_enterprises))]
        root.children.append(two_new)
        root.children.append(self._social(rng, f"{city}市律师协会", Tier.CITY, div, divs))
        for i in range(s.counties):
            root.children.append(Lazy(functools.partial(self.county_node, i)))
        return root

    def county_node(self, i: int) -> Node:
        s = self.scale
        rng = random.Random(f"{self.seed}/city/{self.index}/county/{i}")
        div = self.county_divisions[i]
        ctype = self.county_types[i]
        name = self.county_names[i] + ctype
        divs = [div] * 6 + self.county_divisions  # most people were born in the county itself
        county = Node(f"{name}委", OrgKind.COMMITTEE, Sector.ORGAN, Tier.COUNTY, div, f"中共{self.city}市{name}委员会",
                      self._credit(div, "11"), division_code=div,
                      cadres=self._cadres(rng, [(Rank.COUNTY_CHIEF, f"{ctype}委书记"),
                                                (Rank.COUNTY_CHIEF, "区长" if ctype == "区" else "县长")]
                                          + [(Rank.COUNTY_DEPUTY, f"{ctype}委常委")] * rng.randint(7, 10), divs))
        organs = COUNTY_ORGANS[: min(s.county_organs, len(COUNTY_ORGANS))]
        for organ in organs:
            county.children.append(self._organ(rng, name, organ, Tier.COUNTY, div, "county", COUNTY_KEY_ORGANS,
                                               COUNTY_PARTY_DEPTS, divs))
        section = (Rank.SECTION_CHIEF, Rank.SECTION_DEPUTY)
        for unit in COUNTY_UNITS[: s.county_units]:
            uname = name + unit[1:]
            county.children.append(Node(
                f"{uname}党支部", OrgKind.BRANCH, Sector.AFFILIATED, Tier.COUNTY, div, uname,
                self._credit(div, "12"), members=self._members(rng, "organ", 6, 25, divs),
                cadres=self._cadres(rng, [(Rank.SECTION_CHIEF, "主要负责人"), (Rank.SECTION_DEPUTY, "副职")], divs)))
        for n, unit in enumerate(COUNTY_SCHOOLS[: s.county_schools]):
            county.children.append(self._institution(rng, name + unit[1:], "school", Tier.COUNTY, div, section,
                                                     divs, big=n == 0))
        county.children.append(self._institution(rng, f"{name}人民医院", "hospital", Tier.COUNTY, div, section,
                                                 divs, big=True))
        if s.county_schools > 1:
            county.children.append(self._institution(rng, f"{name}中医院", "hospital", Tier.COUNTY, div, section,
                                                     divs, big=False))
        for unit in COUNTY_ENTERPRISES[: s.county_enterprises]:
            uname = name + unit[1:]
            if rng.random() < 0.5:
                county.children.append(self._enterprise(rng, uname, Tier.COUNTY, div, section, divs))
            else:
                county.children.append(Node(
                    f"{uname}党支部", OrgKind.BRANCH, Sector.STATE_ENTERPRISE, Tier.COUNTY, div, uname,
                    self._credit(div, "91"), members=self._members(rng, "enterprise", 8, 30, divs),
                    cadres=self._cadres(rng, [(Rank.SECTION_CHIEF, "董事长"), (Rank.OTHER, "副总经理")], divs)))
        np_committee = Node(f"{name}非公有制经济组织综合党委", OrgKind.COMMITTEE, Sector.NON_PUBLIC, Tier.COUNTY,
                            div, f"{name}非公有制经济组织综合党委")
        np_committee.children = [self._non_public(rng, name, Tier.COUNTY, div, divs)
                                 for _ in range(s.county_non_public)]
        county.children.append(np_committee)
        social = Node(f"{name}社会组织综合党委", OrgKind.COMMITTEE, Sector.SOCIAL, Tier.COUNTY, div,
                      f"{name}社会组织综合党委")
        social.children = [self._social(rng, name + unit[1:], Tier.COUNTY, div, divs)
                           for unit in SOCIAL_NAMES[: s.county_social]]
        county.children.append(social)
        county.children.append(Node(f"{name}离退休干部第一党支部", OrgKind.BRANCH, Sector.OTHER, Tier.COUNTY, div,
                                    f"{name}老干部活动中心",
                                    members=self._members(rng, "retired", 20, 60, divs)))
        for t in self._townships(rng, ctype):
            county.children.append(self._township(rng, t, name, div, divs))
        return county

    def _townships(self, rng: random.Random, ctype: str) -> list[tuple[str, str]]:
        n = rng.randint(*self.scale.townships)
        used: set[str] = set()
        result: list[tuple[str, str]] = []

        def fresh(suffix: str) -> str:
            while True:
                cand = rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND)
                if cand + suffix not in used:
                    used.add(cand + suffix)
                    return cand + suffix

        for k in range(n):
            if ctype == "县":
                if k == 0:
                    used.add("城关镇")
                    result.append(("城关镇", "镇"))
                elif k == 1:
                    result.append((fresh("街道"), "街道"))
                else:
                    suffix = "乡" if rng.random() < 0.25 else "镇"
                    result.append((fresh(suffix), suffix))
            elif k < max(1, (2 * n) // 3):
                result.append((fresh("街道"), "街道"))
            else:
                result.append((fresh("镇"), "镇"))
        return result

    def _township(self, rng: random.Random, t: tuple[str, str], county: str, div: str,
                  divs: list[str]) -> Node:
        tname, suffix = t
        street = suffix == "街道"
        sector = Sector.STREET if street else Sector.TOWNSHIP
        cadre_specs = ([(Rank.SECTION_CHIEF, "党工委书记" if street else "党委书记"),
                        (Rank.SECTION_CHIEF, "办事处主任" if street else ("乡长" if suffix == "乡" else "镇长"))]
                       + [(Rank.SECTION_DEPUTY, "副职")] * rng.randint(3, 6))
        if rng.random() < 0.2:
            cadre_specs.append((Rank.OTHER, "四级主任科员"))
        node = Node(f"{tname}党工委" if street else f"{tname}党委",
                    OrgKind.WORKING_COMMITTEE if street else OrgKind.COMMITTEE, sector, Tier.TOWNSHIP, div,
                    f"{county}{tname}" + ("办事处" if street else "人民政府"), self._credit(div, "11"),
                    division_code=div, cadres=self._cadres(rng, cadre_specs, divs))
        organ_branches = rng.choice((1, 1, 2))
        for b in range(organ_branches):
            label = "机关党支部" if organ_branches == 1 else f"机关第{'一二'[b]}党支部"
            node.children.append(Node(f"{tname}{label}", OrgKind.BRANCH, sector, Tier.TOWNSHIP, div,
                                      f"{tname}机关", members=self._members(rng, "organ", 10, 35, divs)))
        n = rng.randint(*self.scale.villages)
        communities = n - max(1, n // 6) if street else rng.randint(1, 2)
        villages = n - communities
        used: set[str] = set()

        def fresh(make: Callable[[], str]) -> str:
            while True:
                cand = make()
                if cand not in used:
                    used.add(cand)
                    return cand

        for k in range(villages):
            if k < 4 and not street and tname == "城关镇":
                vname = DIRECTIONS[k] + "村"
                used.add(vname)
            else:
                vname = fresh(lambda: (rng.choice(_SURNAME_CHARS[:30]) + rng.choice(VILLAGE_SUFFIX)
                                       if rng.random() < 0.5
                                       else rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND)) + "村")
            node.children.append(self._village(rng, vname, tname, div, divs))
        for _ in range(communities):
            cname = fresh(lambda: (rng.choice(COMMUNITY_WORDS)
                                   if rng.random() < 0.4 else rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND))
                          + rng.choice(COMMUNITY_SUFFIX) + "社区")
            node.children.append(self._community(rng, cname, div, divs))
        node.children.append(self._institution(rng, f"{tname}中心学校", "school", Tier.TOWNSHIP, div,
                                               (Rank.SECTION_DEPUTY, Rank.OTHER), divs, big=False))
        if not street:
            node.children.append(Node(f"{tname}卫生院党支部", OrgKind.BRANCH, Sector.INSTITUTION, Tier.TOWNSHIP,
                                      div, f"{county}{tname}卫生院", self._credit(div, "12"),
                                      members=self._members(rng, "hospital", 6, 20, divs)))
        for _ in range(rng.randint(0, 3)):
            node.children.append(self._non_public(rng, tname, Tier.VILLAGE, div, divs))
        if rng.random() < 0.6:
            node.children.append(self._social(rng, f"{tname}{rng.choice(('老年协会', '志愿者协会', '商会'))}",
                                              Tier.VILLAGE, div, divs))
        if rng.random() < 0.4:
            node.children.append(Node(f"{tname}{rng.choice(('农民专业合作社', '退休职工', '驻地单位'))}联合党支部",
                                      OrgKind.JOINT_BRANCH, Sector.OTHER, Tier.VILLAGE, div, tname,
                                      members=self._members(rng, "village", 5, 15, divs)))
        return node

    def _village(self, rng: random.Random, vname: str, tname: str, div: str, divs: list[str]) -> Node:
        unit = f"{tname}{vname}民委员会"
        roll = rng.random()
        if roll < 0.8:
            return Node(f"{vname}党支部", OrgKind.BRANCH, Sector.VILLAGE, Tier.VILLAGE, div, unit,
                        members=self._members(rng, "village", 12, 45, divs))
        kind = OrgKind.GENERAL_BRANCH if roll < 0.96 else OrgKind.COMMITTEE
        node = Node(f"{vname}{kind.label}", kind, Sector.VILLAGE, Tier.VILLAGE, div, unit)
        node.children = [
            Node(f"{vname}第{'一二三四'[i]}党支部", OrgKind.BRANCH, Sector.VILLAGE, Tier.VILLAGE, div, unit,
                 members=self._members(rng, "village", 12, 35, divs)) for i in range(rng.randint(2, 4))
        ]
        return node

    def _community(self, rng: random.Random, cname: str, div: str, divs: list[str]) -> Node:
        unit = f"{cname}居民委员会"
        if rng.random() < 0.75:
            return Node(f"{cname}党支部", OrgKind.BRANCH, Sector.COMMUNITY, Tier.VILLAGE, div, unit,
                        members=self._members(rng, "community", 15, 60, divs))
        node = Node(f"{cname}党委", OrgKind.COMMITTEE, Sector.COMMUNITY, Tier.VILLAGE, div, unit)
        node.children = [
            Node(f"{cname}第{'一二三四五'[i]}网格党支部", OrgKind.BRANCH, Sector.COMMUNITY, Tier.VILLAGE, div, unit,
                 members=self._members(rng, "community", 10, 35, divs)) for i in range(rng.randint(2, 5))
        ]
        return node


# --------------------------------------------------------------------------------------------------------
# Writing.


def _step(n: int) -> str:
    """The path step of the n-th child (1-based): base 36, left-padded to STEPLEN with '0'."""
    digits = ""
    while n:
        n, r = divmod(n, 36)
        digits = ALPHABET[r] + digits
    if len(digits) > STEPLEN:
        raise GendataError("子节点过多，超出路径长度")
    return digits.rjust(STEPLEN, ALPHABET[0])


class Writer:
    """Flattens the plan in pre-order, computes paths, and writes rows in batches."""

    ORG_BATCH = 2000
    ROW_BATCH = 5000

    def __init__(self, progress: Callable[[str], None] | None = None) -> None:
        self.codes: dict[str, int] = {}
        self.pending: list[tuple[Node, str, int]] = []  # (node, path, number of children)
        self.counts = {"orgs": 0, "members": 0, "cadres": 0}
        self.progress = progress
        self.now = timezone.now()
        self.member_sql, self.member_cols = self._insert_sql(Member, (
            "name", "gender", "ethnicity", "birth_date", "id_number", "phone", "joined_on", "category", "is_mobile",
            "is_frail", "organization", "created_at", "updated_at"))
        self.cadre_sql, self.cadre_cols = self._insert_sql(Cadre, (
            "name", "id_number", "position", "rank", "organization", "created_at", "updated_at"))

    @staticmethod
    def _insert_sql(model: type[models.Model], names: tuple[str, ...]) -> tuple[str, list[models.Field]]:
        qn = connection.ops.quote_name
        fields: list[models.Field] = []
        columns: list[str] = []
        for name in names:
            f = model._meta.get_field(name)
            assert isinstance(f, models.Field) and f.column is not None, f"{name} is not a column"
            fields.append(f)
            columns.append(qn(f.column))
        sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(columns)}) "
               f"VALUES ({', '.join(['%s'] * len(fields))})")
        return sql, fields

    def write(self, node: Node | Lazy, path: str) -> None:
        if isinstance(node, Lazy):
            node = node.build()
        children = node.children
        self.pending.append((node, path, len(children)))
        node.children = []  # drop the subtrees once written
        if len(self.pending) >= self.ORG_BATCH:
            self.flush()
        for n, child in enumerate(children, start=1):
            self.write(child, path + _step(n))

    def _code(self, division: str) -> str:
        n = self.codes.get(division, 0) + 1
        self.codes[division] = n
        return f"{division}{n:05d}"

    def flush(self) -> None:
        if not self.pending:
            return
        orgs = [
            Organization(
                path=path, depth=len(path) // STEPLEN, numchild=numchild, code=self._code(node.division),
                name=node.name, initials=cn.pinyin_initials_readings(node.name), kind=str(node.kind),
                sector=str(node.sector), tier=str(node.tier), unit_name=node.unit_name[:100],
                credit_code=node.credit_code, division_code=node.division_code,
            )
            for node, path, numchild in self.pending
        ]
        Organization.objects.bulk_create(orgs, batch_size=500)
        if any(o.pk is None for o in orgs):  # a backend that does not return ids from bulk inserts
            ids = dict(Organization.objects.filter(code__in=[o.code for o in orgs]).values_list("code", "id"))
            for o in orgs:
                o.pk = ids[o.code]
        prep = [f.get_db_prep_save for f in self.member_cols]
        stamp = self.member_cols[-1].get_db_prep_save(self.now, connection)
        members: list[tuple] = []
        cadres: list[tuple] = []
        for (node, _, _), org in zip(self.pending, orgs, strict=True):
            for row in node.members:
                members.append((*row[:3], prep[3](row[3], connection), row[4], row[5],
                                prep[6](row[6], connection), *row[7:], org.pk, stamp, stamp))
            for row in node.cadres:
                cadres.append((*row, org.pk, stamp, stamp))
        with connection.cursor() as cursor:
            for i in range(0, len(members), self.ROW_BATCH):
                cursor.executemany(self.member_sql, members[i:i + self.ROW_BATCH])
            for i in range(0, len(cadres), self.ROW_BATCH):
                cursor.executemany(self.cadre_sql, cadres[i:i + self.ROW_BATCH])
        self.counts["orgs"] += len(orgs)
        self.counts["members"] += len(members)
        self.counts["cadres"] += len(cadres)
        self.pending = []
        if self.progress:
            self.progress(f"已写入党组织{self.counts['orgs']}个，党员{self.counts['members']}人")


def plan_root(scale: Scale, seed: int, members: bool = True) -> Node:
    """The root of the generated tree: a city committee, or a province committee above several cities.
    `members=False`: no party members (a different but equally valid tree: the random choices that would have
    made the members are not drawn)."""
    serials = itertools.count(1)
    rng = random.Random(f"{seed}/names")
    names = list(CITY_NAMES)
    rng.shuffle(names)
    if scale.cities == 1:
        return CityPlanner(scale, seed, 0, "130100", names[0], serials, members).city_node()
    province = Node("示范省委", OrgKind.COMMITTEE, Sector.ORGAN, Tier.CITY, PROVINCE_DIVISION, "中共示范省委员会",
                    make_credit(PROVINCE_DIVISION, next(serials), "11"), division_code=PROVINCE_DIVISION)
    for i in range(scale.cities):
        division = f"13{i + 1:02d}00"
        planner = CityPlanner(scale, seed, i, division, names[i % len(names)], serials, members)
        province.children.append(Lazy(planner.city_node))
    return province


def marker(scale: str, seed: int, members: bool = True) -> str:
    """The audit entry's object_repr of a load (benchmarks find their cached database by it)."""
    return f"gendata {scale} seed {seed}" + ("" if members else " without members")


def generate(scale: str, seed: int, *, actor: Actor, progress: Callable[[str], None] | None = None,
             members: bool = True) -> dict[str, int]:
    """Fill an empty registry with the generated city, as `actor` (a named system actor: the audit entry's
    author). Returns the counts written. `members=False`: only
    organisations and cadres (the province-scale benchmark of the problem ledger: 4,000,000 members take
    minutes to plan and nothing there reads them)."""
    if scale not in SCALES:
        raise GendataError(f"未知规模：{scale}（可选：{'、'.join(SCALES)}）")
    existing = Organization.objects.count()
    if existing:
        raise GendataError(f"党组织库中已有{existing}个党组织，gendata 只能在空库上运行；请换一个空数据库。")
    with audit_context(user=actor), transaction.atomic():
        writer = Writer(progress)
        writer.write(plan_root(SCALES[scale], seed, members), _step(1))
        writer.flush()
        rollups = rollup_rebuild()
        record(AuditEntry.Action.IMPORT, object_type="orgs.organization",
               object_repr=marker(scale, seed, members), after={**writer.counts, "rollups": rollups})
    analyze()
    return writer.counts
