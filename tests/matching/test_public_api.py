"""``matcher`` exports exactly its public API."""

from __future__ import annotations

import matcher


def test_public_api_all_names_exist_and_nothing_else_is_public() -> None:
    assert {"Matcher", "MatchOptions", "parse", "models", "errors", "to_dict"} <= set(
        matcher.__all__
    )
    for name in matcher.__all__:
        assert hasattr(matcher, name), name

    def submodule(value: object) -> bool:
        return str(getattr(value, "__name__", "")).startswith("matcher.")

    public = {n for n, v in vars(matcher).items() if not n.startswith("_") and not submodule(v)}
    assert public <= set(matcher.__all__) | {"annotations", "TYPE_CHECKING"}
