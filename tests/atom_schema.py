"""RFC 4287's own schema (Appendix B, ``tests/data/atom.rnc``) as lxml validators.

The compact syntax is converted with rnc2rng at load time, so tests validate against the
RFC's text and not a hand-written copy; the appendix's Schematron rules, which RELAX NG
cannot express, are run as the XPath tests they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import rnc2rng
from lxml import etree

__all__ = ["AtomSchema", "atom_schema"]

RNC = Path(__file__).resolve().parent / "data" / "atom.rnc"
SCHEMATRON = "http://www.ascc.net/xml/schematron"
NAMESPACES = {"atom": "http://www.w3.org/2005/Atom"}
# rnc2rng 2.7.0 declares the compact syntax's `namespace local = ""` as a prefix, which the
# XML namespaces rules forbid; the grammar itself names the empty namespace with ns="".
EMPTY_PREFIX = 'xmlns:local=""'


@dataclass(frozen=True)
class Rule:
    """One ``s:rule``/``s:assert`` of the appendix: an XPath that must hold at each context."""

    context: str
    test: str
    message: str


@dataclass(frozen=True)
class AtomSchema:
    """The grammar and the appendix's rules; ``errors`` lists every way a document fails."""

    grammar: etree.RelaxNG
    rules: tuple[Rule, ...]

    def errors(self, doc: etree._Element) -> list[str]:
        found = [] if self.grammar.validate(doc) else [str(self.grammar.error_log)]
        for rule in self.rules:
            for node in doc.xpath(f"descendant-or-self::{rule.context}", namespaces=NAMESPACES):
                if not node.xpath(f"boolean({rule.test})", namespaces=NAMESPACES):
                    found.append(rule.message)
        return found


@cache
def atom_schema() -> AtomSchema:
    rng = rnc2rng.dumps(rnc2rng.loads(RNC.read_text(encoding="utf-8")))
    tree = etree.fromstring(rng.replace(EMPTY_PREFIX, "").encode())
    rules = tuple(
        Rule(rule.get("context"), check.get("test"), " ".join(check.text.split()))
        for rule in tree.iter(f"{{{SCHEMATRON}}}rule")
        for check in rule.iter(f"{{{SCHEMATRON}}}assert")
    )
    assert len(rules) == 3, "RFC 4287 Appendix B has three Schematron assertions"
    return AtomSchema(etree.RelaxNG(tree), rules)
