"""Which mitigations do experts rate effective for each risk area, and on what evidence?

A short riskgraph script: run it as `python docs/example.py [OUT_DIR]`. It writes one CSV
per risk area and the CBRN answer's graph page into OUT_DIR (default: a new temporary
directory, printed, so that nothing is written into the checkout or wherever you run it).
"""

import csv
import sys
import tempfile
from pathlib import Path

import riskgraph

AREAS = ["CBRN", "critical infrastructure", "discrimination and bias", "democratic processes"]


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with riskgraph.load() as kg:
        for area in AREAS:
            res = kg.query("effective_mitigations", area=area, timeout=30)
            rows = res.to_dicts()
            target = out_dir / f"effective-{area.replace(' ', '-').lower()}.csv"
            with target.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=res.variables)
                writer.writeheader()
                writer.writerows(rows)
            strongest = [r["label"] for r in rows
                         if r["grade"].startswith("survey figure of expert agreement")]
            print(f"{area}: {len(rows)} mitigations rated effective; with a survey figure: "
                  f"{', '.join(strongest) or 'none'}")
        page = kg.graph_page(query="effective_mitigations", area="CBRN")
        (out_dir / "cbrn.html").write_text(page, encoding="utf-8")
        print(f"cbrn.html: {page.node_count} entities, {page.edge_count} links")


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="riskgraph-"))
    main(out)
    print(f"written to {out}")
