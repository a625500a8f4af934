"""Synthetic articles for the scale-up benchmark, learned from the real corpus's facts.

    python bench/synthetic.py generate --articles 5000 --out /tmp/kg-scale/n5000
    python bench/synthetic.py check /tmp/kg-scale/n5000          # planted vs extracted

The *model* (:class:`Model`) is learned at run time from what ``kg extract`` finds in
the corpus: person names and how often each is named, the syllables names are made of,
the (post, body) pairs persons hold, awards, resolutions, the mix of relations and the
length of each article, and the dates. Nothing of the corpus is stored in this file;
the model may be cached as JSON next to the output (outside the repository).

The *text* comes from templates written here: each planted fact is one sentence
("Đồng chí X, <post> <body>, ...", "<post> <body> X ...", "... được bầu giữ chức ...",
"... được bổ nhiệm ...", awards, resolutions, "... chủ trì hội nghị"), padded with
generic sentences that state no fact until the article is as long as the real article
whose relation mix it copies.

Persons follow a Pitman-Yor process seeded with the real names and their counts: a
known person is drawn in proportion to (articles naming them - d), a new one (built
from real surname, middle and given-name syllables) with probability (theta + d*K) /
(n + theta). That gives Zipf-like frequencies and a number of distinct persons that
grows like n^d; d is the corpus's own Heaps exponent, theta its current rate of new
names. Each person keeps one (post, body) for the whole corpus (real persons: the pair
the corpus gives them most often), drawn from the real joint distribution.

Output: ``OUT/articles/NNNN/syn-NNNNNNN.txt`` (``--shard`` articles per folder) and
``OUT/planted.jsonl.gz`` (the facts each article was written to state); both are
written as they are generated, so memory does not grow with the number of articles.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gzip
import itertools
import json
import math
import random
import sys
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "articles"
RELATIONS = ("holds", "held", "elected", "appointed", "dismissed", "chairs", "awards", "adopts")
MAX_WORDS = {"post": 6, "body": 10, "award": 8, "giver": 8, "recipient": 8, "resolution": 8}
DOC_WORDS = ("Nghị quyết", "Kết luận", "Chỉ thị", "Quyết định", "Quy định", "Đề án",
             "Chương trình hành động")
MEETING_WORDS = ("Trung ương", "Đại hội", "Hội nghị", "Kỳ họp", "Phiên họp")
DOC_CODES = {"Nghị quyết": "NQ", "Kết luận": "KL", "Chỉ thị": "CT", "Quyết định": "QĐ",
             "Quy định": "QĐ", "Đề án": "ĐA", "Chương trình hành động": "CTr"}


# --- the model ---------------------------------------------------------------------------


@dataclass
class Model:
    """Distributions learned from the corpus's facts (see the module docstring)."""

    persons: dict[str, int] = field(default_factory=dict)  # name -> articles naming it
    careers: dict[str, list[str]] = field(default_factory=dict)  # name -> [post, body]
    pairs: dict[str, int] = field(default_factory=dict)  # "post\tbody" -> holds facts
    surnames: dict[str, int] = field(default_factory=dict)
    middles: dict[str, int] = field(default_factory=dict)  # "" when none
    givens: dict[str, int] = field(default_factory=dict)
    awards: list[list[str]] = field(default_factory=list)  # [giver, award type, recipient]
    resolutions: list[list[str]] = field(default_factory=list)  # [body, resolution]
    doc_words: dict[str, int] = field(default_factory=dict)
    profiles: list[list[int]] = field(default_factory=list)  # per article: counts, extra, chars
    dates: list[str] = field(default_factory=list)
    heaps_d: float = 0.5
    theta: float = 100.0
    mentions: int = 0  # person-article pairs the PY process is seeded with

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Model:
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def _short(value: str, what: str) -> bool:
    return 0 < len(value.split()) <= MAX_WORDS[what]


def learn(facts: Iterable[dict], articles: Iterable[tuple[str, str | None, int]],
          surnames: frozenset[str] | None = None) -> Model:
    """The model from fact rows (``kg extract`` JSON lines as dicts) and, per article,
    (id, ISO date or None, body length in characters)."""
    from kg.text import key

    m = Model()
    by_article: dict[str, list[dict]] = defaultdict(list)
    for f in facts:
        by_article[f["article"]].append(f)
    named_in: dict[str, set[str]] = defaultdict(set)
    held: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    pairs: Counter[tuple[str, str]] = Counter()
    order: list[str] = []  # person of each person-article pair, in article order
    arts = list(articles)
    for art_id, date, chars in arts:
        rows = by_article.get(art_id, [])
        counts = Counter(r["relation"] for r in rows)
        in_relation = {r["person"] for r in rows if r["person"] and r["relation"] != "mentions"}
        persons = {r["person"] for r in rows if r["person"]}
        m.profiles.append([counts[r] for r in RELATIONS] + [len(persons - in_relation), chars])
        if date:
            m.dates.append(date)
        for p in sorted(persons):
            if p not in named_in:
                order.append(p)
            named_in[p].add(art_id)
        for r in rows:
            if r["relation"] == "holds" and r["post"] and _short(r["post"], "post") \
                    and (not r["body"] or _short(r["body"], "body")):
                held[r["person"]][(r["post"], r["body"])] += 1
                pairs[(r["post"], r["body"])] += 1
            elif r["relation"] == "awards" and r["award"] and r["giver"] and r["recipient"]:
                award = r["award"]
                tail = f" của {r['giver']}"
                award = award[: -len(tail)] if award.endswith(tail) else award
                if _short(award, "award") and _short(r["giver"], "giver") \
                        and _short(r["recipient"], "recipient"):
                    m.awards.append([r["giver"], award, r["recipient"]])
            elif r["relation"] == "adopts" and r["body"] and r["resolution"]:
                doc = next((d for d in DOC_WORDS if r["resolution"].startswith(d)), None)
                if doc:
                    m.doc_words[doc] = m.doc_words.get(doc, 0) + 1
                    if _short(r["resolution"], "resolution") and _short(r["body"], "body"):
                        m.resolutions.append([r["body"], r["resolution"]])
    m.persons = {p: len(a) for p, a in named_in.items()}
    # a giver or recipient naming a person ("Thủ tướng <name>") would state a holds fact
    # the template does not plant
    m.awards = [a for a in m.awards if not any(p in a[0] or p in a[2] for p in m.persons)]
    m.careers = {p: list(c.most_common(1)[0][0]) for p, c in held.items()}
    m.pairs = {f"{p}\t{b}": n for (p, b), n in pairs.items()}
    surn, mid, giv = Counter(), Counter(), Counter()
    for name, n in m.persons.items():
        parts = name.split()
        if not 2 <= len(parts) <= 4 or (surnames and key(parts[0]) not in surnames):
            continue
        surn[parts[0]] += n
        mid[" ".join(parts[1:-1])] += n
        giv[parts[-1]] += n
    m.surnames, m.middles, m.givens = dict(surn), dict(mid), dict(giv)
    m.mentions = sum(m.persons.values())
    m.heaps_d, m.theta = _fit_pitman_yor(named_in, arts)
    return m


def _fit_pitman_yor(named_in: dict[str, set[str]],
                    arts: list[tuple[str, str | None, int]]) -> tuple[float, float]:
    """Discount d = the Heaps exponent between half the corpus and all of it; theta such
    that the chance of a new name at the end of the corpus is the rate the second half
    showed."""
    first: dict[str, int] = {}
    pos = {a: i for i, (a, _, _) in enumerate(arts)}
    for p, a in named_in.items():
        first[p] = min(pos.get(x, 0) for x in a)
    half = len(arts) // 2
    n_all = sum(len(a) for a in named_in.values())
    n_half = sum(1 for a in named_in.values() for x in a if pos.get(x, 0) < half)
    k_all = len(named_in)
    k_half = sum(1 for i in first.values() if i < half)
    if not (n_half and k_half and n_all > n_half and k_all > k_half):
        return 0.5, 10.0
    d = math.log(k_all / k_half) / math.log(n_all / n_half)
    d = min(max(d, 0.2), 0.9)
    rate = (k_all - k_half) / (n_all - n_half)  # new names per mention, second half
    theta = max((rate * n_all - d * k_all) / (1 - rate), 1.0) if rate < 1 else 1e6
    return round(d, 4), round(theta, 2)


def learn_from_corpus(corpus: Path = CORPUS, cache: Path | None = None) -> Model:
    """Run the extractor over the corpus (about 10 s) and learn; cached in ``cache``."""
    if cache is not None and cache.exists():
        return Model.load(cache)
    from kg.articles import Article, read_path
    from kg.extract import Extractor

    ex = Extractor()
    facts: list[dict] = []
    arts: list[tuple[str, str | None, int]] = []
    for a in read_path(corpus):
        if isinstance(a, Article):
            facts += [f.row() for f in ex.extract(a)]
            arts.append((a.id, a.date, len(a.body)))
    model = learn(facts, arts, ex.lex.surnames)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        model.save(cache)
    return model


# --- sampling helpers --------------------------------------------------------------------


class Weighted:
    """Draws from a fixed weighted list (cumulative weights + bisect)."""

    def __init__(self, weights: dict[str, int] | list[tuple[object, float]]):
        items = list(weights.items()) if isinstance(weights, dict) else list(weights)
        self.values = [v for v, _ in items]
        self.cum = list(itertools.accumulate(float(w) for _, w in items))

    def __call__(self, rng: random.Random) -> object:
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]


class Persons:
    """The Pitman-Yor person process (see the module docstring). Memory: one int per
    person-article pair drawn, and one name and (post, body) per person."""

    def __init__(self, model: Model, rng: random.Random):
        self.rng = rng
        self.d, self.theta = model.heaps_d, model.theta
        self.names: list[str] = list(model.persons)
        self.counts = array("l", model.persons.values())
        self.draws = array("l", (i for i, n in enumerate(self.counts) for _ in range(n)))
        self.known = set(self.names)
        self.careers: dict[int, tuple[str, str]] = {}
        self.model = model
        self.surname = Weighted(model.surnames)
        self.middle = Weighted(model.middles)
        self.given = Weighted(model.givens)
        self.pair = Weighted([(tuple(k.split("\t")), n) for k, n in model.pairs.items()])
        self.new = 0

    def draw(self, exclude: set[int]) -> int:
        """One person for an article (not one already in it)."""
        for _ in range(100):
            n, k = len(self.draws), len(self.names)
            if self.rng.random() * (n + self.theta) < self.theta + self.d * k:
                i = self._new_person()
            else:
                while True:  # in proportion to count - d: uniform draw, then accept
                    i = self.draws[self.rng.randrange(n)]
                    if self.rng.random() < 1 - self.d / self.counts[i]:
                        break
            if i not in exclude:
                self.draws.append(i)
                self.counts[i] += 1
                return i
        raise RuntimeError("could not draw a person not yet in the article")

    def _new_person(self) -> int:
        while True:
            parts = [self.surname(self.rng), self.middle(self.rng), self.given(self.rng)]
            name = " ".join(p for p in parts if p)
            if len(name.split()) >= 3 and name not in self.known:
                break
        self.known.add(name)
        self.names.append(name)
        self.counts.append(0)
        self.new += 1
        return len(self.names) - 1

    def career(self, i: int) -> tuple[str, str]:
        if i not in self.careers:
            real = self.model.careers.get(self.names[i])
            self.careers[i] = tuple(real) if real else self.pair(self.rng)  # type: ignore[assignment]
        return self.careers[i]


# --- templates ---------------------------------------------------------------------------
# {x}: the person, {t}: post and body, {h}/{H}: "ông" or "bà", {b}: a body, {n}: a
# number. Written for this benchmark; each states exactly the facts it is used for.

HOLDS = [
    "Đồng chí {x}, {t}, phát biểu chỉ đạo hội nghị.",
    "Phát biểu tại buổi làm việc, {t} {x} đề nghị các đơn vị tập trung hoàn thành các chỉ "
    "tiêu đã đề ra.",
    "Dự hội nghị có đồng chí {x}, {t}.",
    "Theo {t} {x}, thời gian tới cần đẩy mạnh cải cách hành chính.",
    "Đồng chí {x}, {t}, ghi nhận những kết quả mà tập thể đã đạt được.",
]
HELD = ["Tham dự còn có đồng chí {x}, nguyên {t}."]
ELECTED = [
    "Với số phiếu tán thành cao, đồng chí {x} được bầu giữ chức {t}.",
    "Hội nghị đã tiến hành bầu cử, đồng chí {x} được bầu làm {t}.",
]
APPOINTED = [
    "{H} {x} được bổ nhiệm giữ chức {t}.",
    "Theo quyết định được công bố, {h} {x} được bổ nhiệm làm {t}.",
]
DISMISSED = ["{H} {x} thôi giữ chức {t} để nhận nhiệm vụ mới."]
CHAIRS = ["Đồng chí {x}, {t} chủ trì hội nghị."]
AWARDS = ["Dịp này, {g} trao tặng {a} cho {r}."]
ADOPTS = ["{b} đã thông qua {res} với tỷ lệ tán thành cao.",
          "Sau khi thảo luận, {b} đã ban hành {res} và giao các cơ quan tổ chức thực hiện."]
MENTIONS = ["Cùng dự có đồng chí {x}.", "Buổi làm việc có sự tham gia của đồng chí {x}."]
LEADS = [
    "Ngày {d}, hội nghị sơ kết công tác sáu tháng đầu năm được tổ chức tại hội trường lớn.",
    "Sáng {d}, buổi làm việc về tình hình thực hiện nhiệm vụ chính trị của địa phương "
    "đã diễn ra.",
    "Chiều {d}, hội nghị triển khai nhiệm vụ trọng tâm được tổ chức theo hình thức trực "
    "tiếp kết hợp trực tuyến.",
]
FILLERS = [
    "Các đại biểu đã thảo luận, đóng góp nhiều ý kiến tâm huyết vào dự thảo báo cáo.",
    "Trong năm qua, công tác chỉ đạo, điều hành được triển khai đồng bộ, quyết liệt và "
    "hiệu quả.",
    "Tốc độ tăng trưởng kinh tế đạt {n}%, cao hơn mức bình quân của cả nước.",
    "Tổng thu ngân sách trên địa bàn ước đạt {n} tỷ đồng, vượt dự toán được giao.",
    "Công tác cải cách thủ tục hành chính tiếp tục có nhiều chuyển biến tích cực.",
    "Bên cạnh kết quả đạt được, vẫn còn một số hạn chế cần sớm được khắc phục.",
    "Hội nghị thống nhất cao với các nhóm nhiệm vụ và giải pháp trọng tâm thời gian tới.",
    "Các cấp, các ngành cần nâng cao trách nhiệm của người đứng đầu trong thực thi công vụ.",
    "Đến nay, đã có {n} công trình, dự án được khởi công và đưa vào sử dụng.",
    "Công tác an sinh xã hội được quan tâm, đời sống của người dân từng bước được cải thiện.",
    "Nhiều ý kiến đề nghị tăng cường kiểm tra, giám sát việc thực hiện các chương trình "
    "mục tiêu.",
    "Tỷ lệ hộ nghèo giảm còn {n}%, hoàn thành chỉ tiêu đề ra.",
    "Việc chuyển đổi số trong các cơ quan được đẩy mạnh, nhiều dịch vụ công đã được cung "
    "cấp trực tuyến.",
    "Tình hình an ninh chính trị, trật tự an toàn xã hội được giữ vững.",
    "Các đơn vị cần chủ động rà soát, tháo gỡ khó khăn, vướng mắc cho doanh nghiệp.",
    "Công tác xây dựng tổ chức bộ máy tinh gọn, hoạt động hiệu lực, hiệu quả tiếp tục "
    "được chú trọng.",
    "Trong thời gian tới, cần tập trung huy động mọi nguồn lực cho đầu tư phát triển.",
    "Phong trào thi đua yêu nước được triển khai rộng khắp và đạt nhiều kết quả thiết thực.",
    "Hội nghị cũng dành thời gian đánh giá công tác phối hợp giữa các cơ quan liên quan.",
    "Đã có {n} lượt người dân được tuyên truyền, phổ biến kiến thức pháp luật.",
]
TITLES = [
    "Hội nghị sơ kết công tác của {b}",
    "{b} triển khai nhiệm vụ năm {y}",
    "Kiện toàn nhân sự {b}",
    "Lãnh đạo {b} làm việc với cơ sở",
    "Tổng kết công tác năm {y}",
]


def _title(post: str, body: str) -> str:
    return f"{post} {body}".strip()


@dataclass
class Synthetic:
    id: str
    text: str  # in the project's text format
    planted: list[dict]


class Generator:
    """Seeded generator of synthetic articles; iterate :meth:`articles`."""

    def __init__(self, model: Model, seed: int = 1):
        self.model = model
        self.rng = random.Random(seed)
        self.persons = Persons(model, self.rng)
        # the relation mix of a real article that states at least one relation (the few
        # with none are left out: a benchmark article is there to be ingested)
        self.profile = Weighted([(p, 1) for p in model.profiles if sum(p[:-2]) > 0])
        self.doc = Weighted(model.doc_words or {"Nghị quyết": 1})
        bodies = Counter(k.split("\t")[1] for k in model.pairs if k.split("\t")[1])
        self.body = Weighted(dict(bodies) or {"Ủy ban nhân dân": 1})
        issuers = Counter(b for b, _ in model.resolutions if b[:1].isupper() and not any(
            b.startswith(w) for w in MEETING_WORDS) and not any(d in b for d in DOC_WORDS))
        self.issuer = Weighted(dict(issuers) or {"Ủy ban nhân dân": 1})
        self.dates = [dt.date.fromisoformat(d) for d in model.dates] or [dt.date(2025, 1, 1)]

    def _date(self) -> dt.date:
        day = self.rng.choice(self.dates) + dt.timedelta(days=self.rng.randint(-180, 180))
        return min(day, dt.date(2026, 12, 31))

    def articles(self, n: int, start: int = 0) -> Iterator[Synthetic]:
        for k in range(start, start + n):
            yield self.article(f"syn-{k:07d}")

    def article(self, art_id: str) -> Synthetic:
        rng = self.rng
        *counts, extra, chars = self.profile(rng)  # type: ignore[misc]
        want = dict(zip(RELATIONS, counts, strict=True))
        date = self._date()
        in_article: set[int] = set()
        sentences: list[str] = []
        planted: list[dict] = []

        def person() -> tuple[str, str, str]:
            i = self.persons.draw(in_article)
            in_article.add(i)
            name = self.persons.names[i]
            planted.append({"article": art_id, "relation": "mentions", "person": name})
            return name, *self.persons.career(i)

        def say(templates: list[str], relation: str) -> None:
            x, post, body = person()
            t = _title(post, body)
            h = "bà" if " Thị " in x else "ông"
            sentences.append(rng.choice(templates).format(x=x, t=t, h=h, H=h.capitalize()))
            planted.append({"article": art_id, "relation": relation, "person": x,
                            "post": post, "body": body})
            if relation == "chairs":
                planted.append({"article": art_id, "relation": "holds", "person": x,
                                "post": post, "body": body})

        # a person named in several relations is one more person in the article, as the
        # profile counts (person, relation) facts; cap the work per article
        for rel, templates in (("holds", HOLDS), ("held", HELD), ("elected", ELECTED),
                               ("appointed", APPOINTED), ("dismissed", DISMISSED),
                               ("chairs", CHAIRS)):
            n = want[rel] - (want["chairs"] if rel == "holds" else 0)
            for _ in range(max(0, min(n, 40))):
                say(templates, rel)
        for _ in range(min(want["awards"], 10)):
            if self.model.awards:
                g, a, r = rng.choice(self.model.awards)
                sentences.append(rng.choice(AWARDS).format(g=g, a=a, r=r))
                planted.append({"article": art_id, "relation": "awards", "giver": g,
                                "award": a, "recipient": r})
        for _ in range(min(want["adopts"], 10)):
            if self.model.resolutions and rng.random() < 0.5:
                b, res = rng.choice(self.model.resolutions)
            else:
                doc = str(self.doc(rng))
                b = str(self.issuer(rng))
                res = f"{doc} số {rng.randint(1, 199)}-{DOC_CODES[doc]}/{_code(b)}"
            sentences.append(rng.choice(ADOPTS).format(b=b, res=res))
            planted.append({"article": art_id, "relation": "adopts", "body": b,
                            "resolution": res})
        for _ in range(min(extra, 20)):
            x, _, _ = person()
            sentences.append(rng.choice(MENTIONS).format(x=x))
        rng.shuffle(sentences)
        lead = rng.choice(LEADS).format(d=f"{date.day}/{date.month}")
        size = len(lead) + sum(len(s) + 1 for s in sentences)
        while size < chars:
            s = rng.choice(FILLERS).format(n=rng.randint(2, 95))
            sentences.insert(rng.randint(0, len(sentences)), s)
            size += len(s) + 1
        paragraphs = [lead]
        while sentences:  # paragraphs of 1 to 4 sentences
            k = rng.randint(1, 4)
            paragraphs.append(" ".join(sentences[:k]))
            del sentences[:k]
        main_body = next((p["body"] for p in planted if p.get("body")), None) \
            or str(self.body(rng))
        title = rng.choice(TITLES).format(b=main_body, y=date.year)
        text = f" date {date.isoformat()} {title}\n\n" + "\n\n".join(paragraphs) + "\n"
        return Synthetic(art_id, text, planted)


def _code(body: str) -> str:
    """An issuing code from a body's capitals ("Tỉnh ủy X" -> "TU"), as in "12-NQ/TU"."""
    caps = "".join(w[0] for w in body.split()[:2] if w[:1].isupper())
    return caps or "TW"


# --- writing and checking ----------------------------------------------------------------


def write(model: Model, n: int, out: Path, seed: int = 1, shard: int = 1000) -> dict:
    """Write ``n`` articles under ``out/articles`` (``shard`` per folder) and the planted
    facts to ``out/planted.jsonl.gz``, streaming; returns counts."""
    gen = Generator(model, seed)
    root = out / "articles"
    root.mkdir(parents=True, exist_ok=True)
    facts = Counter()
    nbytes = 0
    with gzip.open(out / "planted.jsonl.gz", "wt", encoding="utf-8") as fh:
        for k, a in enumerate(gen.articles(n)):
            folder = root / f"{k // shard:04d}"
            if k % shard == 0:
                folder.mkdir(exist_ok=True)
            data = a.text.encode("utf-8")
            (folder / f"{a.id}.txt").write_bytes(data)
            nbytes += len(data)
            for f in a.planted:
                facts[f["relation"]] += 1
                fh.write(json.dumps(f, ensure_ascii=False) + "\n")
    return {"articles": n, "bytes": nbytes, "planted": dict(facts),
            "persons_distinct": len(gen.persons.names), "persons_new": gen.persons.new,
            "seed": seed}


FIELDS = {"holds": ("person", "post", "body"), "held": ("person", "post", "body"),
          "elected": ("person", "post", "body"), "appointed": ("person", "post", "body"),
          "dismissed": ("person", "post", "body"), "chairs": ("person",),
          "mentions": ("person",), "awards": ("giver", "award", "recipient"),
          "adopts": ("body", "resolution")}


def _ident(f: dict) -> tuple[str, ...]:
    from kg.text import key

    return (f["article"], f["relation"], *(key(f.get(x, "")) for x in FIELDS[f["relation"]]))


def score(planted: Iterable[dict], extracted: Iterable[dict]) -> dict[str, dict[str, float]]:
    """Precision and recall of the extracted facts against the planted ones, per relation
    (exact match of the identifying fields after kg.text.key)."""
    gold: dict[str, set] = defaultdict(set)
    pred: dict[str, set] = defaultdict(set)
    for f in planted:
        gold[f["relation"]].add(_ident(f))
    for f in extracted:
        if f["relation"] in FIELDS:
            pred[f["relation"]].add(_ident(f))
    out = {}
    for rel in sorted(set(gold) | set(pred)):
        g, p = gold[rel], pred[rel]
        hit = len(g & p)
        out[rel] = {"planted": len(g), "extracted": len(p),
                    "precision": round(hit / len(p), 4) if p else 0.0,
                    "recall": round(hit / len(g), 4) if g else 0.0}
    return out


def check(out: Path, limit: int | None = None) -> dict[str, dict[str, float]]:
    """Extract the generated articles (the first ``limit``) and score against planted."""
    from kg.articles import Article, read_path
    from kg.extract import Extractor

    ex = Extractor()
    seen: set[str] = set()
    extracted: list[dict] = []
    for a in itertools.islice(read_path(out / "articles"), limit):
        if isinstance(a, Article):
            seen.add(a.id)
            extracted += [f.row() for f in ex.extract(a)]
    with gzip.open(out / "planted.jsonl.gz", "rt", encoding="utf-8") as fh:
        planted = [f for f in map(json.loads, fh) if f["article"] in seen]
    return score(planted, extracted)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="write synthetic articles")
    g.add_argument("--articles", type=int, required=True)
    g.add_argument("--out", type=Path, required=True)
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--shard", type=int, default=1000)
    g.add_argument("--corpus", type=Path, default=CORPUS)
    g.add_argument("--model", type=Path, default=Path("/tmp/kg-scale/model.json"),
                   help="model cache (JSON, keep it outside the repository)")
    c = sub.add_parser("check", help="extract generated articles, score against planted")
    c.add_argument("out", type=Path)
    c.add_argument("--limit", type=int)
    args = ap.parse_args()
    if args.cmd == "generate":
        if not args.model.exists() and not args.corpus.exists():
            sys.exit(f"{args.corpus} is absent")
        model = learn_from_corpus(args.corpus, args.model)
        print(json.dumps(write(model, args.articles, args.out, args.seed, args.shard),
                         ensure_ascii=False))
    else:
        for rel, s in check(args.out, args.limit).items():
            print(f"{rel:10} planted {s['planted']:6} extracted {s['extracted']:6} "
                  f"precision {s['precision']:.3f} recall {s['recall']:.3f}")


if __name__ == "__main__":
    main()
