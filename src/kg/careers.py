"""Careers: a person's posts over time, folded from the attestations in the store.

The status rule (also in docs/resolution.md), per post (person, post, body):

* acquired: "elected" or "appointed" when an article reports the election or the
  appointment;
* status: "dismissed" when an article reports the person leaving the post and no
  later-dated article says they hold it; otherwise "former" when the latest-dated
  article calls it a former post ("nguyên ..."); otherwise "current".
  Undated articles count for the article total but not for the order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .query import run_saved


@dataclass
class Post:
    post: str
    body: str
    first: str = ""
    last: str = ""
    articles: set[str] = field(default_factory=set)
    acquired: str = ""
    status: str = "current"
    _dated: list[tuple[str, str, str]] = field(default_factory=list, repr=False)

    def settle(self) -> None:
        """Apply the status rule to the attestations gathered."""
        dated = sorted(self._dated)
        dates = [d for d, _, _ in dated]
        self.first, self.last = (dates[0], dates[-1]) if dates else ("", "")
        ended = [d for d, _, ev in dated if ev == "Dismissal"]
        current_after = [d for d, st, ev in dated if st == "Current" and ev != "Dismissal"
                         and ended and d > max(ended)]
        if ended and not current_after:
            self.status = "dismissed"
        elif dated and dated[-1][1] == "Former":
            self.status = "former"


@dataclass
class Career:
    iri: str
    name: str
    posts: list[Post]

    @property
    def articles(self) -> int:
        return len(set().union(*(p.articles for p in self.posts))) if self.posts else 0


def careers(store, name: str) -> list[Career]:
    """Every person whose name matches (accent-blind), each with their posts in order."""
    # one line per (post, body node); a body has one skos:prefLabel, many rdfs:labels
    people: dict[str, tuple[str, dict[tuple[str, str], Post]]] = {}
    for r in run_saved(store, "career-timeline", {"name": name}).records():
        _, posts = people.setdefault(r["p"], (r["person"], {}))
        post = posts.setdefault((r["post"], r["b"]), Post(r["post"], r["body"]))
        post.articles.add(r["article"])
        if r["event"] in {"Election", "Appointment"}:
            post.acquired = "elected" if r["event"] == "Election" else "appointed"
        undated = not r["date"]
        if not undated:
            post._dated.append((r["date"], r["status"], r["event"]))
        elif r["event"] == "Dismissal":
            post._dated.append(("", r["status"], r["event"]))
    out = []
    for iri, (person, posts) in people.items():
        for p in posts.values():
            p.settle()
        ordered = sorted(posts.values(), key=lambda p: (p.first or "9999", p.post, p.body))
        out.append(Career(iri, person, ordered))
    return sorted(out, key=lambda c: (-c.articles, c.name))


def explain(store, name: str) -> dict[str, dict]:
    """Person node -> its name, and the articles (date, provinces, resolver note)."""
    out: dict[str, dict] = defaultdict(lambda: {"name": "", "articles": []})
    for r in run_saved(store, "person-why", {"name": name}).records():
        entry = out[r["p"]]
        entry["name"] = r["person"]
        note = r["note"] or ("same name, same province evidence" if r["provinces"]
                             else "same name, no conflicting evidence")
        entry["articles"].append({"article": r["article"], "date": r["date"],
                                  "provinces": r["provinces"], "note": note})
    return dict(out)
