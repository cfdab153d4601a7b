"""The self-tests' shared verdict: every planted problem reported, and nothing else."""


def verdict(expected: list[str], reported: list[str], what: str) -> int:
    """Prints what a self-test missed or made up; 0 when `reported` is exactly `expected`."""
    missing = [line for line in expected if line not in reported]
    extra = [line for line in reported if line not in expected]
    for line in missing:
        print(f"self-test: not reported: {line}")
    for line in extra:
        print(f"self-test: reported but not planted: {line}")
    if missing or extra:
        return 1
    print(f"{what} self-test: {len(expected)} planted problems reported, nothing else")
    return 0
