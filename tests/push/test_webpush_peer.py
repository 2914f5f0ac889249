"""Web Push as a phone and a push service see it, checked with code that is not ours: the
Python `cryptography` package from Debian (python3-cryptography) decrypts the aes128gcm
bodies that server/net makes (RFC 8291 / RFC 8188) and verifies the VAPID token's ES256
signature (RFC 8292). The RFC 8291 key schedule is written out from the RFC in
push_service.py (shared with the test push service); the primitives (ECDH, HKDF, AES-GCM,
ECDSA) are the library's. Its decryption is first
proved on RFC 8291's own worked example, so a pass means both sides agree with the RFC.

    /usr/bin/python3 test_webpush_peer.py --sample path/to/gadehold_push_sample
"""
import argparse
import json
import subprocess
import sys
import unittest

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

PARSER = argparse.ArgumentParser()
PARSER.add_argument("--sample", required=True, help="the gadehold_push_sample binary")
ARGS, REST = PARSER.parse_known_args()

# The same decryption and base64url as the test push service: one copy of RFC 8291's
# receiving side in the tests.
from push_service import decrypt_record, unb64  # noqa: E402  (tests/push/push_service.py)

# RFC 8291 Appendix A.
RFC_UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
RFC_AUTH = "BTBZMqHH6r4Tts7J_aSIgg"
RFC_BODY = ("DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8"
            "wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN")


class RfcExampleTest(unittest.TestCase):
    def test_this_decryption_reads_the_rfc_8291_example(self):
        rs, plaintext = decrypt_record(unb64(RFC_BODY), unb64(RFC_UA_PRIVATE), unb64(RFC_AUTH))
        self.assertEqual(rs, 4096)
        self.assertEqual(plaintext, b"When I grow up, I want to be a watermelon")


class PeerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        out = subprocess.run([ARGS.sample], check=True, capture_output=True, timeout=60).stdout
        cls.sample = json.loads(out)

    def test_messages_decrypt_with_the_subscription_key(self):
        messages = self.sample["messages"]
        self.assertEqual(len(messages), 5)
        max_plaintext = self.sample["max_plaintext"]
        self.assertEqual(max_plaintext, 3993)
        for m in messages:
            body, expected = unb64(m["body"]), unb64(m["plaintext"])
            with self.subTest(length=len(expected)):
                private, auth = unb64(m["receiver_private"]), unb64(m["auth"])
                point = ec.derive_private_key(int.from_bytes(private, "big"), ec.SECP256R1()).public_key()
                self.assertEqual(point.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint),
                                 unb64(m["p256dh"]))
                rs, plaintext = decrypt_record(body, private, auth)
                self.assertEqual(rs, 4096)
                self.assertEqual(plaintext, expected)
                self.assertEqual(len(body), 86 + len(expected) + 1 + 16)
                self.assertLessEqual(len(body), 4096)
                # A changed byte anywhere in the record is caught by the tag.
                bent = bytearray(body)
                bent[86] ^= 0x01
                with self.assertRaises(InvalidTag):
                    decrypt_record(bytes(bent), private, auth)
        self.assertIn(max_plaintext, [len(unb64(m["plaintext"])) for m in messages])

    def test_each_message_has_its_own_salt_and_sender_key(self):
        bodies = [unb64(m["body"]) for m in self.sample["messages"]]
        self.assertEqual(len({b[:16] for b in bodies}), len(bodies))
        self.assertEqual(len({b[21:86] for b in bodies}), len(bodies))

    def test_vapid_token_verifies_with_the_published_key(self):
        v = self.sample["vapid"]
        scheme, _, rest = v["authorization"].partition(" ")
        self.assertEqual(scheme, "vapid")
        params = dict(p.split("=", 1) for p in rest.split(", "))
        self.assertEqual(sorted(params), ["k", "t"])
        self.assertEqual(params["k"], v["public_key"])
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(params["k"]))
        # The stored form is the bare scalar, which other tools (web-push) read too.
        stored = ec.derive_private_key(int.from_bytes(unb64(v["stored"]), "big"), ec.SECP256R1())
        self.assertEqual(stored.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint),
                         unb64(params["k"]))

        header, claims, signature = params["t"].split(".")
        self.assertEqual(json.loads(unb64(header)), {"typ": "JWT", "alg": "ES256"})
        self.assertEqual(json.loads(unb64(claims)), {
            "aud": "https://push.example.net:8443",
            "exp": v["now_ms"] // 1000 + v["lifetime_s"],
            "sub": v["contact"],
        })
        self.assertLessEqual(v["lifetime_s"], 24 * 3600)
        raw = unb64(signature)
        self.assertEqual(len(raw), 64)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        signed = f"{header}.{claims}".encode()
        public.verify(der, signed, ec.ECDSA(hashes.SHA256()))
        with self.assertRaises(InvalidSignature):
            public.verify(der, signed + b"x", ec.ECDSA(hashes.SHA256()))


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + REST, verbosity=2)
