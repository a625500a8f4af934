"""Facts to RDF quads on the ontology's terms: one named graph per article.

The model (see docs/ontology.md):

* person holds post in body: an ``org:Membership`` (member, organization, role = the SKOS
  post concept) plus the ``org:memberOf`` shortcut (and ``org:headOf`` for the head posts
  listed in ``data/head_posts.txt``); every holding is also a ``kg:Occupancy`` (holder,
  status, the ``org:Post`` seat it fills), which is all there is when no body is named;
* body hierarchy: ``org:subOrganizationOf`` where the name shows it ("Ban Thường vụ Tỉnh
  ủy X" within "Tỉnh ủy X", "Sở Y tế tỉnh X" within "UBND tỉnh X"), and the 2025
  provincial mergers as ``org:ChangeEvent`` (predecessor -> successor body);
* elections, appointments, dismissals: ``kg:Election``/``kg:Appointment``/``kg:Dismissal``
  events pointing at the membership they start or end;
* chairs: a ``kg:Meeting`` (``schema:Event``) with ``kg:chairedBy``; a congress
  ("Đại hội ...") is a ``kg:Congress`` event, ``schema:organizer`` the body it names;
* awards: an n-ary ``kg:AwardConferral`` (giver, award type, recipient);
* adopts: a ``kg:Resolution`` with ``kg:adoptedBy``;
* every fact: a ``kg:Attestation`` (``prov:Entity``) with the evidence sentence, offsets,
  confidence and extractor version, ``prov:wasDerivedFrom`` the article.

IRIs of persons, bodies, memberships and resolutions are stable across articles (made
from normalised keys), so the same membership seen in two articles is one node with two
attestations, each in its article's graph.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from urllib.parse import quote

import pyoxigraph as ox

from . import bodies
from .articles import Article
from .extract.facts import MEMBERSHIP_RELATIONS, Fact
from .lexicon import KG, Lexicon, load_lexicon
from .resolve import Mention, PersonResolver
from .text import fold, key, slug

BASE = "https://w3id.org/vnkg/"
ID = BASE + "id/"
GRAPH = BASE + "graph/"
TOKEN = BASE + "token/"
VOCABULARY_GRAPH = ox.NamedNode(GRAPH + "vocabulary")
# What persons, bodies, memberships and resolutions *are* (types, names, keys, structure)
# lives once in this graph; what an article *says* (attestations, statuses, events,
# provenance) lives in the article's graph. Written with each article in the same
# transaction, never dropped: re-stating a triple is a no-op, and a union-default-graph
# query sees each structural triple once instead of once per article.
ENTITIES_GRAPH = ox.NamedNode(GRAPH + "entities")
# Counts per class and per relation (VoID), recomputed after each ingest: see kg.stats.
STATISTICS_GRAPH = ox.NamedNode(GRAPH + "statistics")
# The graphs that are not an article's.
SHARED_GRAPHS = (VOCABULARY_GRAPH, ENTITIES_GRAPH, STATISTICS_GRAPH)

NS = {
    "kg": KG,
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "time": "http://www.w3.org/2006/time#",
    "void": "http://rdfs.org/ns/void#",
    "post": BASE + "post/",
    "id": ID,
}


@cache
def term(curie: str) -> ox.NamedNode:
    prefix, local = curie.split(":", 1)
    return ox.NamedNode(NS[prefix] + local)


A = term("rdf:type")
LABEL = term("rdfs:label")
DERIVED = term("prov:wasDerivedFrom")
XSD_DATE = term("xsd:date")
TOKEN_TEXT = term("kg:tokenText")
XSD_INT = term("xsd:integer")
XSD_DEC = term("xsd:decimal")

STATUS = {"holds": "kg:Current", "held": "kg:Former", "elected": "kg:Current",
          "appointed": "kg:Current", "dismissed": "kg:Former"}
EVENT_CLASS = {"elected": "kg:Election", "appointed": "kg:Appointment",
               "dismissed": "kg:Dismissal"}
EVENT_LABEL = {"elected": "Bầu", "appointed": "Bổ nhiệm", "dismissed": "Thôi giữ chức"}
MERGER_DATE = "2025-07-01"  # the 34 provinces took effect on 1 July 2025
BODY_CLASS = {"PartyBody": "kg:PartyBody", "StateBody": "kg:StateBody",
              "OtherBody": "kg:OtherBody", "Event": "kg:Congress"}


def graph_iri(article_id: str) -> ox.NamedNode:
    return ox.NamedNode(GRAPH + _safe(article_id))


def article_iri(article_id: str) -> ox.NamedNode:
    return ox.NamedNode(ID + "article/" + _safe(article_id))


def _safe(s: str) -> str:
    """An IRI path segment from an article id (ids are file stems, mostly ASCII)."""
    out = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in s)
    return out if out == s else f"{slug(s)}-{_digest(s)[:6]}"


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()


def person_iri(name: str, suffix: int = 0) -> ox.NamedNode:
    """The person's IRI: from the name key (tone, case blind); ``suffix`` n > 0 for the
    n-th different person of the same name (see kg.resolve)."""
    k = key(name)
    tail = f"-{suffix}" if suffix else ""
    return ox.NamedNode(f"{ID}person/{slug(name)}-{_digest(k)[:6]}{tail}")


def body_key(label: str, lex: Lexicon) -> str:
    """Identity key of a body: abbreviations expanded, tone and case blind."""
    return key(lex.expand(label))


def body_iri(label: str, lex: Lexicon) -> ox.NamedNode:
    k = body_key(label, lex)
    return ox.NamedNode(f"{ID}body/{slug(lex.expand(label))}-{_digest(k)[:6]}")


def token_iri(word: str) -> ox.NamedNode:
    """The search token for one word of a search key ("tien"): the same node for every
    entity whose key has the word (an empty word, from an empty key, is "%20")."""
    return ox.NamedNode(TOKEN + (quote(word, safe="") or "%20"))


def search_triples(node: ox.NamedNode, keys: Iterable[str]) -> list[tuple]:
    """``node``'s search keys and its search tokens: one kg:searchToken per distinct word
    (the key split on single spaces), each token node with its kg:tokenText. The saved
    queries find the few entities holding tokens that the words of a name can be part of
    (the vocabulary is small: ~900 words) before checking CONTAINS on their keys, instead
    of CONTAINS on every key of the graph (docs/ontology.md, query library)."""
    out: list[tuple] = []
    words: dict[str, None] = {}
    for k in keys:
        out.append((node, term("kg:searchKey"), lit(k)))
        words.update(dict.fromkeys(k.split(" ")))
    for w in words:
        tok = token_iri(w)
        out.append((node, term("kg:searchToken"), tok))
        out.append((tok, TOKEN_TEXT, lit(w)))
    return out


def vi(text: str) -> ox.Literal:
    return ox.Literal(text, language="vi")


def lit(value: object) -> ox.Literal:
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=term("xsd:boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=XSD_INT)
    if isinstance(value, float):
        return ox.Literal(f"{value:.3f}", datatype=XSD_DEC)
    return ox.Literal(str(value))


class Mapper:
    """Turns one article and its facts into the quads of the article's named graph."""

    def __init__(self, lexicon: Lexicon | None = None, resolver: PersonResolver | None = None,
                 *, once: bool = False):
        """Without a resolver every name is one person (a pure function of the article,
        as the distributed path needs); with one, same-name people are told apart.

        ``once``: the triples of the shared entities graph that describe a person, body,
        membership or collective (as written) are returned with the first article that
        needs them and not again by this mapper: for a writer that stores every article
        it maps (``kg ingest``), re-stating them is wasted work."""
        self.lex = lexicon or load_lexicon()
        self.heads = head_posts()
        self.resolver = resolver
        self._locality: str | None = None
        self._persons: dict[str, tuple[int, str]] = {}
        self._evidence: dict[str, set[str]] = {}
        self._completed: dict[tuple[str, str | None], str] = {}  # memo of complete_body
        self._bodies: dict[str, tuple] = {}  # memo of _body_info
        self._people: dict[tuple[str, int], tuple] = {}  # memo of _person_info
        self._written: set[tuple] | None = set() if once else None

    def quads(self, article: Article, facts: Iterable[Fact],
              locality: str | None | bool = False) -> list[ox.Quad]:
        """``locality``: the province the article is about, when the caller has it
        already (:func:`kg.bodies.article_locality`; ``False``: work it out here)."""
        facts = list(facts)
        self._locality = bodies.article_locality(article.text, self.lex) \
            if locality is False else locality
        self._evidence = self._province_evidence(facts)
        self._persons = self._resolve_persons(article, facts) if self.resolver else {}
        g = graph_iri(article.id)
        art = article_iri(article.id)
        out: list[ox.Quad] = []

        def add(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
            out.append(ox.Quad(s, p, o, g))

        def ent(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
            out.append(ox.Quad(s, p, o, ENTITIES_GRAPH))

        self._ent = ent

        self._article(add, art, article)
        seen_nodes: set[str] = set()
        n_facts = 0
        for n, f in enumerate(facts):
            node = self._fact_node(add, f, art, seen_nodes)
            if node is None:
                continue
            n_facts += 1
            att = ox.NamedNode(f"{art.value}/fact/{n}")
            add(att, A, term("kg:Attestation"))
            add(att, A, term("prov:Entity"))
            add(att, term("kg:relation"), lit(f.relation))
            add(att, term("kg:asserts"), node)
            add(att, DERIVED, art)
            add(att, term("kg:evidence"), vi(f.sentence))
            add(att, term("kg:sentenceIndex"), lit(f.sentence_index))
            add(att, term("kg:start"), lit(f.start))
            add(att, term("kg:end"), lit(f.end))
            add(att, term("kg:confidence"), lit(round(f.confidence, 3)))
            add(att, term("kg:extractor"), lit(f.extractor))
            if f.post:
                add(att, term("kg:postAsWritten"), vi(f.post))
            if f.body:
                add(att, term("kg:bodyAsWritten"), vi(f.body))
        add(art, term("kg:factCount"), lit(n_facts))
        return out

    def _province_evidence(self, facts: list[Fact]) -> dict[str, set[str]]:
        """Name key -> provinces written in the names of the bodies the article places
        the person in (2025 names; known provinces only, never the article's locality)."""
        provinces: dict[str, set[str]] = {}
        for f in facts:
            if not f.person:
                continue
            found = provinces.setdefault(key(f.person), set())
            if f.relation in MEMBERSHIP_RELATIONS and f.body:
                where = bodies.province_of(f.body, self.lex)
                if where and where[0] in self.lex.provinces:
                    found.add(bodies.successor(where[0], self.lex))
        return provinces

    def _resolve_persons(self, article: Article, facts: list[Fact]
                         ) -> dict[str, tuple[int, str]]:
        """Name key -> (suffix, note); the note is kept only for decisions that the
        evidence alone does not show (kept apart, curated judgement)."""
        assert self.resolver is not None
        out = {}
        moved = {key(f.person) for f in facts if f.relation in EVENT_CLASS}
        for k, provinces in self._evidence.items():
            suffix, why = self.resolver.resolve(
                Mention(article.id, k, frozenset(provinces), k in moved))
            out[k] = (suffix, why if suffix or "curated" in why or "kept apart" in why else "")
        return out

    # --- pieces ------------------------------------------------------------------------

    def _article(self, add, art: ox.NamedNode, a: Article) -> None:
        add(art, A, term("kg:Article"))
        add(art, A, term("prov:Entity"))
        add(art, A, term("schema:NewsArticle"))
        add(art, term("dcterms:identifier"), lit(a.id))
        add(art, term("dcterms:title"), vi(a.title))
        if a.date:
            add(art, term("dcterms:date"), ox.Literal(a.date, datatype=XSD_DATE))
        if a.url:
            add(art, term("schema:url"), ox.Literal(a.url, datatype=term("xsd:anyURI")))
        if a.source:
            add(art, term("dcterms:source"), lit(a.source))

    def _person(self, add, name: str, seen: set[str]) -> ox.NamedNode:
        suffix, why = self._persons.get(key(name), (0, ""))
        p, own = self._person_info(name, suffix)
        if p.value not in seen:
            seen.add(p.value)
            if why:
                add(p, term("kg:resolutionNote"), lit(why))
            for province in sorted(self._evidence.get(key(name), ())):
                add(p, term("kg:provinceEvidence"), vi(province))
            if self._first(("p", name, suffix)):
                self._own(own)
        return p

    def _own(self, triples: list[tuple]) -> None:
        """An entity's own triples into the entities graph; a search token's text only
        the first time (with ``once``): many entities share the token."""
        for s, p, o in triples:
            if p is not TOKEN_TEXT or self._first(("t", o.value)):
                self._ent(s, p, o)

    def _first(self, what: tuple) -> bool:
        """Whether the entity triples of ``what`` are to be emitted (always, unless the
        mapper was made with ``once`` and has emitted them already)."""
        if self._written is None:
            return True
        if what in self._written:
            return False
        if len(self._written) > 2_000_000:
            self._written.clear()  # bounded memory; re-stating is only wasted work
        self._written.add(what)
        return True

    def _person_info(self, name: str, suffix: int) -> tuple[ox.NamedNode, list[tuple]]:
        """A person's IRI and the triples naming them, computed once per name."""
        info = self._people.get((name, suffix))
        if info is None:
            p = person_iri(name, suffix)
            own = [(p, A, term("foaf:Person")), (p, A, term("schema:Person")),
                   (p, term("foaf:name"), vi(name)), (p, LABEL, vi(name)),
                   (p, term("kg:nameKey"), lit(key(name))),
                   *search_triples(p, [fold(name)])]
            if len(self._people) > 100_000:
                self._people.clear()
            info = self._people[(name, suffix)] = (p, own)
        return info

    def _body(self, add, label: str, seen: set[str]) -> ox.NamedNode:
        label = self._complete(label)
        b, own, organizer, parent, change = self._body_info(label)
        if b.value in seen:
            return b
        seen.add(b.value)
        if self._first(("b", label)):
            self._own(own)
        if organizer:
            self._ent(b, term("schema:organizer"), self._body(add, organizer, seen))
        if parent:
            self._ent(b, term("org:subOrganizationOf"), self._body(add, parent, seen))
        if change:
            self._merger(add, b, change, seen)
        return b

    def _complete(self, label: str) -> str:
        k = (label, self._locality)
        done = self._completed.get(k)
        if done is None:
            if len(self._completed) > 100_000:
                self._completed.clear()
            done = self._completed[k] = bodies.complete_body(label, self._locality, self.lex)
        return done

    def _body_info(self, label: str) -> tuple[ox.NamedNode, list[tuple], str | None,
                                              str | None, tuple[str, str] | None]:
        """What a body's (completed) name says about it: its IRI, the triples describing
        it, its organiser, parent body and 2025 successor. Computed once per name: the
        same bodies come back in article after article."""
        info = self._bodies.get(label)
        if info is not None:
            return info
        b = body_iri(label, self.lex)
        own: list[tuple] = []
        toks = _tok(label)
        m = self.lex.body_types.match(toks, 0)
        bt = m[1] if m else None
        kind = bt.kind if bt else "OtherBody"
        if bt:
            own.append((b, term("kg:bodyType"), ox.NamedNode(bt.iri)))
        if kind == "Event":
            # a congress is an event, not an organisation; it adopts resolutions
            own.append((b, A, term("kg:Congress")))
            own.append((b, A, term("schema:Event")))
        else:
            own.append((b, A, term("org:Organization")))
            own.append((b, A, term(BODY_CLASS.get(kind, "kg:OtherBody"))))
        expanded = self.lex.expand(label)
        own.append((b, LABEL, vi(label)))
        own.append((b, term("skos:prefLabel"), vi(expanded)))
        own.append((b, term("kg:nameKey"), lit(body_key(label, self.lex))))
        # "ubnd tinh x" finds it too
        own += search_triples(b, dict.fromkeys([fold(expanded), fold(label)]))
        organizer = parent = change = None
        if kind == "Event":
            organizer = bodies.organizer(label, toks, self.lex)
        else:
            province = bodies.province_of(label, self.lex)
            if province:
                own.append((b, term("kg:province"), vi(province[0])))
            parent = bodies.parent_body(label, self.lex)
            change = bodies.successor_body(label, self.lex)
        if len(self._bodies) > 100_000:
            self._bodies.clear()  # bounded memory on archives of millions of articles
        info = self._bodies[label] = (b, own, organizer, parent, change)
        return info

    def _merger(self, add, b: ox.NamedNode, change: tuple[str, str], seen: set[str]) -> None:
        """The 2025 provincial merger that turned body ``b`` into its successor."""
        successor, _ = change
        s_node = self._body(add, successor, seen)
        ev = ox.NamedNode(
            f"{ID}change/merger-2025/{_digest(body_key(successor, self.lex))[:12]}")
        if ev.value not in seen:
            seen.add(ev.value)
            self._ent(ev, A, term("org:ChangeEvent"))
            merged = f"Sắp xếp đơn vị hành chính cấp tỉnh 2025: {successor}"
            self._ent(ev, LABEL, vi(merged))
            merged_en = f"2025 provincial merger: {successor}"
            self._ent(ev, LABEL, ox.Literal(merged_en, language="en"))
            self._ent(ev, term("dcterms:date"), ox.Literal(MERGER_DATE, datatype=XSD_DATE))
            self._ent(ev, term("org:resultingOrganization"), s_node)
            self._ent(s_node, term("org:resultedFrom"), ev)
        self._ent(ev, term("org:originalOrganization"), b)
        self._ent(b, term("org:changedBy"), ev)

    def _fact_node(self, add, f: Fact, art: ox.NamedNode, seen: set[str]) -> ox.NamedNode | None:
        if f.relation == "mentions":
            p = self._person(add, f.person, seen)
            add(p, DERIVED, art)
            return p
        if f.relation in MEMBERSHIP_RELATIONS:
            return self._membership(add, f, art, seen)
        if f.relation == "chairs":
            p = self._person(add, f.person, seen)
            meeting = ox.NamedNode(f"{art.value}/meeting/{f.sentence_index}")
            add(meeting, A, term("kg:Meeting"))
            add(meeting, A, term("schema:Event"))
            add(meeting, LABEL, vi(f.event or f.sentence[:80]))
            add(meeting, term("kg:chairedBy"), p)
            add(meeting, DERIVED, art)
            if f.date:
                add(meeting, term("schema:startDate"), ox.Literal(f.date, datatype=XSD_DATE))
            return meeting
        if f.relation == "awards":
            conf = ox.NamedNode(f"{ID}conferral/{_digest(f.article, f.award, f.recipient)[:16]}")
            add(conf, A, term("kg:AwardConferral"))
            add(conf, term("kg:awardLabel"), vi(f.award))
            m = self.lex.awards.match(_tok(f.award), 0)
            if m:
                add(conf, term("kg:awardType"), ox.NamedNode(m[1].iri))
            if f.giver:
                add(conf, term("kg:giver"), self._body(add, f.giver, seen))
            add(conf, term("kg:recipient"), self._recipient(add, f.recipient, seen))
            add(conf, DERIVED, art)
            if f.date:
                add(conf, term("dcterms:date"), ox.Literal(f.date, datatype=XSD_DATE))
            return conf
        if f.relation == "adopts":
            res = ox.NamedNode(
                f"{ID}resolution/{slug(f.resolution)}-{_digest(key(f.resolution))[:6]}")
            self._ent(res, A, term("kg:Resolution"))
            self._ent(res, LABEL, vi(f.resolution))
            self._ent(res, term("kg:adoptedBy"), self._body(add, f.body, seen))
            add(res, DERIVED, art)
            return res
        return None

    def _recipient(self, add, label: str, seen: set[str]) -> ox.NamedNode:
        words = label.split()
        if 2 <= len(words) <= 5 and all(w[:1].isupper() for w in words) and \
                not self.lex.body_types.match(_tok(label), 0):
            return self._person(add, label, seen)
        if self.lex.body_types.match(_tok(label), 0):
            return self._body(add, label, seen)
        node = ox.NamedNode(f"{ID}collective/{slug(label)}-{_digest(key(label))[:6]}")
        first = node.value not in seen
        seen.add(node.value)
        if first and self._first(("c", label)):
            self._ent(node, A, term("kg:Collective"))
            self._ent(node, A, term("foaf:Group"))
            self._ent(node, LABEL, vi(label))
            self._own(search_triples(node, [fold(label)]))
        return node

    def _membership(self, add, f: Fact, art: ox.NamedNode, seen: set[str]) -> ox.NamedNode:
        p = self._person(add, f.person, seen)
        post = self.lex.post_by_iri.get(f.post_id)
        body_label = f.body or (post.default_body if post and post.default_body else "")
        body_label = self._complete(body_label)
        role = ox.NamedNode(f.post_id) if f.post_id else ox.NamedNode(
            f"{BASE}post/{slug(f.post)}")
        post_label = post.label_vi if post else f.post
        b = self._body(add, body_label, seen) if body_label else None
        m = ox.NamedNode(
            f"{ID}membership/{_digest(p.value, role.value, b.value if b else '')[:16]}")
        label = f"{f.person} – {post_label}" + (f" {body_label}" if body_label else "")
        first = m.value not in seen
        seen.add(m.value)
        if first and self._first(("m", m.value, label)):
            # the seat: one per (post, body); without a body, one per (post, person)
            seat = ox.NamedNode(f"{ID}post/{_digest(role.value, b.value if b else p.value)[:16]}")
            self._ent(seat, A, term("org:Post"))
            self._ent(seat, term("org:role"), role)
            self._ent(seat, LABEL, vi(f"{post_label} {body_label}" if body_label else post_label))
            self._ent(p, term("org:holds"), seat)
            self._ent(m, A, term("kg:Occupancy"))
            self._ent(m, term("kg:holder"), p)
            self._ent(m, term("kg:post"), seat)
            if b is not None:
                self._ent(seat, term("org:postIn"), b)
                self._ent(m, A, term("org:Membership"))
                self._ent(m, term("org:member"), p)
                self._ent(m, term("org:role"), role)
                self._ent(m, term("org:organization"), b)
                self._ent(p, term("org:memberOf"), b)
                if role.value in self.heads:
                    self._ent(p, term("org:headOf"), b)
                if bodies.body_kind(body_label, self.lex) == "Event":
                    self._ent(b, A, term("org:Organization"))  # a congress acting as a body
            self._ent(m, LABEL, vi(label))
        add(m, term("kg:status"), term(STATUS[f.relation]))
        add(m, DERIVED, art)
        if f.date:
            add(m, term("kg:attestedOn"), ox.Literal(f.date, datatype=XSD_DATE))
        if f.relation in EVENT_CLASS:
            ev = ox.NamedNode(f"{art.value}/event/{f.relation}/{_digest(m.value)[:10]}")
            add(ev, A, term(EVENT_CLASS[f.relation]))
            add(ev, A, term("schema:Event"))
            add(ev, LABEL, vi(f"{EVENT_LABEL[f.relation]}: {label}"))
            add(ev, term("kg:membership"), m)
            add(ev, term("kg:person"), p)
            add(ev, DERIVED, art)
            # the sentence that reports it (its attestation's kg:evidence), on the event
            # itself: listing events with their sentences then reads 2,000 values at 10^6
            # quads instead of looking each event's attestation up (personnel-events.rq)
            add(ev, term("schema:description"), vi(f.sentence))
            if f.date:
                add(ev, term("schema:startDate"), ox.Literal(f.date, datatype=XSD_DATE))
            add(m, term("kg:acquiredBy" if f.relation != "dismissed" else "kg:endedBy"), ev)
        return m


def _tok(text: str):
    from .lexicon import tokenize

    return tokenize(text)


@lru_cache(maxsize=1)
def head_posts() -> frozenset[str]:
    """IRIs of the post concepts whose holder heads the body (``data/head_posts.txt``)."""
    from .lexicon import resource_dir

    path = resource_dir("data") / "head_posts.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    out = set()
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            out.add(line.replace("post:", BASE + "post/", 1) if line.startswith("post:") else line)
    return frozenset(out)


parent_body = bodies.parent_body
successor_body = bodies.successor_body


def vocabulary_quads(lex: Lexicon | None = None) -> Iterator[ox.Quad]:
    """The SKOS vocabularies and the ontology, for the store's vocabulary graph."""
    from .lexicon import resource_dir

    for path in sorted(resource_dir("ontology").glob("*.ttl")):
        if path.name == "shapes.ttl":  # constraints on the data, not part of it
            continue
        with path.open("rb") as fh:
            for t in ox.parse(fh, format=ox.RdfFormat.TURTLE):
                yield ox.Quad(t.subject, t.predicate, t.object, VOCABULARY_GRAPH)
