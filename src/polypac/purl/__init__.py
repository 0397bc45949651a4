"""Package-URLs (ECMA-427): parse, build, normalize, validate.

>>> from polypac.purl import parse_purl, build_purl
>>> purl = parse_purl("pkg:Maven/org.apache.xmlgraphics/batik-anim@1.9.1?Type=pom")
>>> purl.namespace, purl.name, purl.version, purl.qualifiers
('org.apache.xmlgraphics', 'batik-anim', '1.9.1', (('type', 'pom'),))
>>> purl.to_string()
'pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?type=pom'
>>> build_purl("npm", "animation", namespace="@angular", version="12.3.1").to_string()
'pkg:npm/%40angular/animation@12.3.1'

Each registered type's rules (namespace required or prohibited, case, name rewrites,
required qualifiers, character patterns) are applied by both the parser and the builder.
Errors are :class:`polypac.errors.PurlError`, with the offset of the bad character.
Conversions to and from registry URLs live in :mod:`polypac.purl.urls`.
"""

from __future__ import annotations

from polypac.purl._model import PackageURL
from polypac.purl._parse import build_purl, parse_purl, validate_purl

__all__ = ["PackageURL", "build_purl", "parse_purl", "validate_purl"]
