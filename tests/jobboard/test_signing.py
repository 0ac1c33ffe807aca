"""Standard Webhooks signatures: the spec's test vector, verification and its refusals."""

from __future__ import annotations

import base64
import json

import pytest

from service.jobboard.webhooks import WebhookVerificationError, sign, signed_headers, verify
from service.storage.repositories import new_secret

# The example of the Standard Webhooks reference libraries.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = b'{"test": 2432232314}'


def test_signing_matches_the_reference_vector() -> None:
    assert (
        sign(SECRET, MSG_ID, TIMESTAMP, BODY) == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_signing_verify_accepts_a_signed_request() -> None:
    headers = signed_headers(SECRET, MSG_ID, BODY, timestamp=TIMESTAMP)
    assert verify(SECRET, headers, BODY, now=TIMESTAMP + 10) == {"test": 2432232314}
    upper = {k.upper(): v for k, v in headers.items()}
    assert verify(SECRET, upper, BODY, now=TIMESTAMP) == {"test": 2432232314}


def test_signing_verify_accepts_any_of_several_signatures() -> None:
    headers = signed_headers(SECRET, MSG_ID, BODY, timestamp=TIMESTAMP)
    other = sign(new_secret(), MSG_ID, TIMESTAMP, BODY)
    headers["webhook-signature"] = f"{other} {headers['webhook-signature']}"
    assert verify(SECRET, headers, BODY, now=TIMESTAMP)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"body": b'{"test": 2432232315}'}, "no matching signature"),
        ({"webhook-id": "msg_other"}, "no matching signature"),
        ({"webhook-timestamp": str(TIMESTAMP + 1)}, "no matching signature"),
        ({"secret": "whsec_" + base64.b64encode(b"x" * 24).decode()}, "no matching signature"),
        ({"now": TIMESTAMP + 301}, "too old"),
        ({"now": TIMESTAMP - 301}, "too old"),
        ({"drop": "webhook-signature"}, "missing header"),
        ({"webhook-signature": "v2,abc"}, "no matching signature"),
        ({"webhook-timestamp": "soon"}, "malformed"),
    ],
)
def test_signing_verify_rejects_tampering(change: dict[str, object], reason: str) -> None:
    headers = signed_headers(SECRET, MSG_ID, BODY, timestamp=TIMESTAMP)
    body = change.pop("body", BODY)
    secret = change.pop("secret", SECRET)
    now = change.pop("now", TIMESTAMP)
    if "drop" in change:
        headers.pop(str(change.pop("drop")))
    headers.update({k: str(v) for k, v in change.items()})
    with pytest.raises(WebhookVerificationError, match=reason):
        verify(str(secret), headers, body, now=float(now))  # type: ignore[arg-type]


def test_signing_new_secrets_are_32_random_bytes() -> None:
    a, b = new_secret(), new_secret()
    assert a != b
    assert len(base64.b64decode(a.removeprefix("whsec_"))) == 32
    body = json.dumps({"a": 1}).encode()
    assert verify(a, signed_headers(a, "msg_1", body), body) == {"a": 1}
