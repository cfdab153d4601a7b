#!/usr/bin/env python3
"""Fails when a target depends on, or imports, something docs/architecture.md does not allow.

The layering lives in one place: the "Targets (bottom-up)" table of docs/architecture.md, whose
rows list the project's targets in order with the outside modules each may import. A target may
use only targets above it in that table (declared in Package.swift and imported in its sources)
and only the outside modules its row names, so pure targets stay free of I/O.

    scripts/check-architecture.py               # checks this package (runs `swift package dump-package`)
    scripts/check-architecture.py --self-test   # proves the check catches each kind of violation
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from planted import verdict

# The platform's own modules: always allowed (no package dependency, no layering meaning).
SYSTEM_MODULES = {"Foundation", "FoundationEssentials", "Dispatch", "Glibc", "Musl", "Darwin",
                  "Synchronization", "_Concurrency", "os"}

IMPORT = re.compile(
    r"^\s*(?:@[A-Za-z_]+(?:\([^)]*\))?\s+)*(?:public\s+|internal\s+|package\s+|private\s+|fileprivate\s+)?"
    r"import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_][A-Za-z0-9_]*)")
ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|(.*)\|\s*$")


def read_layers(architecture: str) -> list[tuple[str, set[str]]]:
    """The targets in bottom-up order, each with the outside modules its row allows."""
    lines = architecture.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "## Targets (bottom-up)")
    except StopIteration:
        raise SystemExit("docs/architecture.md: no '## Targets (bottom-up)' section")
    header = None
    layers: list[tuple[str, set[str]]] = []
    for line in lines[start + 1:]:
        if line.startswith("## "):
            break
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = [c.lower() for c in cells]
            continue
        if set(cells[0]) <= set("-: "):
            continue
        match = ROW.match(line)
        if not match:
            continue
        column = next((i for i, name in enumerate(header) if name.startswith("may import")), None)
        if column is None:
            raise SystemExit("docs/architecture.md: the targets table has no 'May import' column")
        allowed = set(re.findall(r"`([^`]+)`", cells[column])) - {"—", "-"}
        layers.append((match.group(1), allowed))
    if not layers:
        raise SystemExit("docs/architecture.md: the targets table is empty")
    return layers


def source_imports(folder: Path) -> dict[str, list[str]]:
    """Module name -> the files (relative) that import it."""
    found: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*.swift")):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = IMPORT.match(line)
            if match:
                found.setdefault(match.group(1), []).append(str(path))
    return found


def dependency_names(target: dict) -> list[str]:
    names = []
    for dependency in target.get("dependencies", []):
        for kind in ("byName", "target", "product"):
            if kind in dependency:
                names.append(dependency[kind][0])
    return names


def check(manifest: dict, architecture: str, sources: Path) -> list[str]:
    layers = read_layers(architecture)
    order = {name: index for index, (name, _) in enumerate(layers)}
    allowed_outside = dict(layers)
    targets = {t["name"]: t for t in manifest["targets"]}
    problems: list[str] = []
    for name, target in targets.items():
        if target["type"] in ("test", "executable") and name not in order:
            continue  # tests, the bench and test support are outside the layering
        if target["type"] == "regular" and name not in order and (target.get("path") or "").startswith("Tests"):
            continue
        if name not in order:
            problems.append(f"{name}: a target that docs/architecture.md's table does not list")
            continue
        for dependency in dependency_names(target):
            if dependency in order:
                if order[dependency] >= order[name]:
                    problems.append(f"{name}: depends on {dependency}, which is not below it")
            elif dependency not in allowed_outside[name]:
                problems.append(f"{name}: depends on {dependency}, which its row does not allow")
        folder = sources / (target.get("path") or f"Sources/{name}")
        if not folder.is_dir():
            continue
        declared = set(dependency_names(target))
        for module, files in source_imports(folder).items():
            where = files[0]
            if module in SYSTEM_MODULES or module == name:
                continue
            if module in order:
                if order[module] >= order[name]:
                    problems.append(f"{name}: {where} imports {module}, which is not below it")
                elif module not in declared:
                    problems.append(f"{name}: {where} imports {module} without declaring it in Package.swift")
            elif module not in allowed_outside[name]:
                problems.append(f"{name}: {where} imports {module}, which its row does not allow")
    for name, _ in layers:
        if name not in targets:
            problems.append(f"{name}: listed in docs/architecture.md but not a target in Package.swift")
    return problems


def self_test() -> int:
    """Each kind of violation, planted in a small made-up package, must be reported."""
    architecture = """# A\n\n## Targets (bottom-up)\n\n| Target | Job | May import |\n|---|---|---|\n
| `Low` | x | — |\n| `Pure` | x | `Yams` |\n| `High` | x | `NIOCore` |\n\n## Next\n"""
    manifest = {"targets": [
        {"name": "Low", "type": "regular", "dependencies": []},
        {"name": "Pure", "type": "regular", "dependencies": [{"byName": ["Low", None]}, {"byName": ["High", None]}]},
        {"name": "High", "type": "regular", "dependencies": [{"byName": ["Low", None]},
                                                             {"product": ["NIOCore", "swift-nio", None, None]}]},
        {"name": "Stray", "type": "regular", "dependencies": []},
    ]}
    files = {
        "Sources/Low/A.swift": "import Foundation\n",
        "Sources/Pure/B.swift": "import Low\n@preconcurrency import NIOCore\n",
        "Sources/High/C.swift": "import Low\npublic import Pure\n",
        "Sources/Stray/D.swift": "import Foundation\n",
    }
    expected = [
        "Pure: depends on High, which is not below it",
        "Pure: Sources/Pure/B.swift imports NIOCore, which its row does not allow",
        "High: Sources/High/C.swift imports Pure without declaring it in Package.swift",
        "Stray: a target that docs/architecture.md's table does not list",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for relative, text in files.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(text)
        problems = [p.replace(str(root) + "/", "") for p in check(manifest, architecture, root)]
    return verdict(expected, problems, "architecture check")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--self-test", action="store_true", help="check the checker on a made-up package")
    arguments = parser.parse_args()
    if arguments.self_test:
        return self_test()
    root = Path(__file__).resolve().parent.parent
    dump = subprocess.run(["swift", "package", "dump-package"], cwd=root, capture_output=True, text=True)
    if dump.returncode != 0:
        print(dump.stderr, file=sys.stderr)
        raise SystemExit("swift package dump-package failed")
    manifest = json.loads(dump.stdout)
    architecture = (root / "docs" / "architecture.md").read_text(encoding="utf-8")
    problems = [p.replace(str(root) + "/", "") for p in check(manifest, architecture, root)]
    for line in problems:
        print(f"architecture: {line}")
    if problems:
        print(f"architecture check: {len(problems)} violation(s) of docs/architecture.md's layering")
        return 1
    print(f"architecture check: {len(read_layers(architecture))} targets, every dependency and import allowed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
