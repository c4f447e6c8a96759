"""Command line: ``python -m ppp_atlas.validate`` checks data/ before anything is built."""
import sys

from . import data, paths


def main() -> int:
    from . import teaching

    problems = data.check()
    problems += [] if problems else teaching.check()  # the question bank draws its answers from the data
    if problems:
        print(str(data.DataError(problems)), file=sys.stderr)
        print("Data validation failed: nothing was built; the last good site is untouched.", file=sys.stderr)
        return 1
    descriptor = data.read_descriptor()
    rows = sum(sum(1 for _ in open(paths.DATA / r["path"], encoding="utf-8")) - 1 for r in descriptor["resources"])
    print(f"data/ valid: {len(descriptor['resources'])} tables, {rows} rows; "
          f"teaching/questions.yaml valid: {len(teaching.questions())} questions and case tasks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
