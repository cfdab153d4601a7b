#!/usr/bin/env python3
"""Writes nkeys-fixtures.json: expected values from the independent Python nkeys + PyNaCl.

Run with the project venv:  .venv/bin/python Tests/NKeysTests/Fixtures/generate.py
Keys are derived deterministically (SHA-256 of a label) so re-running gives the same file;
they are test-only keys. The Swift tests check every value here; the other direction
(Swift signs/seals, Python verifies/opens) runs live in NKeysPythonInteropTests.
"""
import base64
import hashlib
import json
import os

import nacl.public
import nacl.signing
import nkeys

PREFIX_CURVE = 23 << 3  # 'X', not in nkeys 0.2.1, so encoded here with nkeys' own CRC

SIGNING_TYPES = {
    "operator": nkeys.PREFIX_BYTE_OPERATOR,
    "account": nkeys.PREFIX_BYTE_ACCOUNT,
    "user": nkeys.PREFIX_BYTE_USER,
    "server": nkeys.PREFIX_BYTE_SERVER,
    "cluster": nkeys.PREFIX_BYTE_CLUSTER,
}

MESSAGES = [b"", b"hello", b"nonce-OJQWY3DPEBXGS3LFONZWK", bytes(range(256)) * 4]


def raw(label: str) -> bytes:
    return hashlib.sha256(f"scim-callout fixture {label}".encode()).digest()


def b32(data: bytes) -> str:
    return base64.b32encode(data).decode().rstrip("=")


def encode_curve_seed(src: bytes) -> str:
    header = bytes([nkeys.PREFIX_BYTE_SEED | PREFIX_CURVE >> 5, (PREFIX_CURVE & 31) << 3])
    return b32(header + src + nkeys.crc16_checksum(header + src))


def encode_curve_public(src: bytes) -> str:
    body = bytes([PREFIX_CURVE]) + src
    return b32(body + nkeys.crc16_checksum(body))


def signing_fixtures():
    out = []
    for name, prefix in SIGNING_TYPES.items():
        for index in range(2):
            seed = nkeys.encode_seed(raw(f"{name}-{index}"), prefix).decode()
            kp = nkeys.from_seed(bytearray(seed.encode()))
            public = kp.public_key.decode()
            signatures = []
            for message in MESSAGES:
                sig = kp.sign(message)
                assert kp.verify(message, sig)
                signatures.append({"message_hex": message.hex(), "signature_hex": sig.hex()})
            out.append({"type": name, "seed": seed, "public_key": public, "signatures": signatures})
    return out


def curve_fixtures():
    out = []
    for index in range(3):
        secret = raw(f"curve-{index}")
        public = bytes(nacl.public.PrivateKey(secret).public_key)
        out.append({"seed": encode_curve_seed(secret), "public_key": encode_curve_public(public),
                    "secret_hex": secret.hex()})
    return out


def boxes(curves):
    """Python seals with curve 0 to curve 1 (and 1 to 0), in the xkv1 format."""
    out = []
    pairs = [(0, 1), (1, 0), (2, 1)]
    for case, (sender, recipient) in enumerate(pairs):
        s_secret = bytes.fromhex(curves[sender]["secret_hex"])
        r_secret = bytes.fromhex(curves[recipient]["secret_hex"])
        r_public = nacl.public.PrivateKey(r_secret).public_key
        box = nacl.public.Box(nacl.public.PrivateKey(s_secret), r_public)
        for message in MESSAGES:
            nonce = hashlib.sha256(f"nonce {case} {len(message)}".encode()).digest()[:24]
            sealed = b"xkv1" + box.encrypt(message, nonce)  # encrypt returns nonce + ciphertext
            out.append({
                "sender_public_key": curves[sender]["public_key"],
                "recipient_seed": curves[recipient]["seed"],
                "message_hex": message.hex(),
                "sealed_hex": sealed.hex(),
            })
    return out


def main():
    curves = curve_fixtures()
    fixtures = {
        "generator": "Tests/NKeysTests/Fixtures/generate.py (nkeys %s, PyNaCl %s)" % (
            getattr(nkeys, "__version__", "0.2.1"), nacl.__version__),
        "signing_keys": signing_fixtures(),
        "curve_keys": [{k: v for k, v in c.items() if k != "secret_hex"} for c in curves],
        "boxes": boxes(curves),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nkeys-fixtures.json")
    with open(path, "w") as f:
        json.dump(fixtures, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
