"""Issue 13: hostile input files never make laborkg contact anything (entities, contexts, imports)."""

from __future__ import annotations

import pytest

from laborkg.cli import main

# Each file names a canary URL (the ``canary`` fixture: a live server recording every request) in a
# place some parser might fetch from.
FILES = {
    "external-entity.rdf": (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY e SYSTEM "{url}/e.txt">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
        '<rdf:Description rdf:about="https://w3id.org/laborkg/id/x"><rdfs:comment>&e;</rdfs:comment>'
        "</rdf:Description>\n</rdf:RDF>\n"
    ),
    "external-dtd.rdf": (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "{url}/x.dtd">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'
    ),
    "remote-context.jsonld": '{{"@context": "{url}/ctx.jsonld", "@id": "https://w3id.org/laborkg/id/x"}}',
    "nested-remote-context.jsonld": (
        '{{"@context": {{"@version": 1.1, "p": {{"@id": "http://x/p", "@context": "{url}/c2"}}}}, '
        '"@id": "https://w3id.org/laborkg/id/x", "p": {{"@id": "http://x/o"}}}}'
    ),
    "imports.ttl": (
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<https://w3id.org/laborkg/id/x> owl:imports <{url}/o.ttl> .\n"
    ),
    "see-also.ttl": (
        "@base <{url}/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<x> rdfs:seeAlso <y.ttl> ; rdfs:isDefinedBy <z.ttl> .\n"
    ),
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_validating_a_hostile_file_contacts_nothing(name, canary, tmp_path, capsys):
    url, hits = canary
    path = tmp_path / name
    path.write_text(FILES[name].format(url=url), encoding="utf-8")
    code = main(["validate", "--no-cache", "--data", str(path)])
    err = capsys.readouterr().err
    assert hits == [], f"{name} made laborkg fetch {hits}"
    assert code in (0, 1, 2), err
    assert "Traceback" not in err
    if name.endswith(".jsonld") or "entity" in name:  # an external DTD may be ignored, never fetched
        assert code == 2, f"{name} should be refused as bad input: {err}"
        assert err.startswith("laborkg: error: ") and err.count("\n") == 1, err
