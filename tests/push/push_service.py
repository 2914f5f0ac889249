"""A push service (RFC 8030) for the tests, on 127.0.0.1 over real TLS, checked with code
that is not gadehold's: Debian's python3-cryptography verifies each request's VAPID token
(RFC 8292, ES256 with the k= key, aud = this service's origin, exp at most 12 h ahead)
and, given a subscription's keys, decrypts its aes128gcm body (RFC 8291).

    /usr/bin/python3 push_service.py --dir DIR [--names localhost,127.0.0.1]

DIR/ca.pem is the test CA (made here unless DIR already holds one, so two services can
share it); the service's own certificate, for --names, is signed by it.
When ready, one line goes to stderr:
    push-service ready port=<https port> control=<http port> ca=<DIR/ca.pem>

The control port (plain HTTP, 127.0.0.1) takes:
    POST /rules  {"<path>": ["500", "500", "201"], ...}  answers in order, the last repeats;
                 "201" "404" "410" "413" ..., "429:<s>" (Retry-After: s seconds),
                 "429-date:<s>" (an HTTP-date s seconds ahead), "hang" (never answers),
                 "201-body:<n>" (201 with n bytes of body)
    POST /keys   {"<path>": {"private": <b64url scalar>, "auth": <b64url>}}
    GET /records {"records": [{path, headers, body_len, arrival, answer, jwt, plaintext, error}]}
Paths without a rule are answered 201.
"""
import argparse
import base64
import datetime
import email.utils
import http.server
import ipaddress
import json
import os
import ssl
import struct
import sys
import threading
import time

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509.oid import NameOID

LOCK = threading.Lock()
RULES = {}
KEYS = {}
RECORDS = []
STOP = threading.Event()
MAX_EXP_S = 12 * 3600


def unb64(text):
    if "=" in text:
        raise ValueError("padding in base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hkdf(salt, ikm, info, length):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def decrypt(body, receiver_private, auth):
    """The plaintext of a one-record aes128gcm body (decrypt_record without the rs)."""
    return decrypt_record(body, receiver_private, auth)[1]


def decrypt_record(body, receiver_private, auth):
    """The user agent's side of RFC 8291 section 3.4 for a one-record aes128gcm body:
    (the record size announced in its header, the plaintext)."""
    salt, rs, idlen = body[:16], struct.unpack(">I", body[16:20])[0], body[20]
    if idlen != 65:
        raise ValueError(f"keyid of {idlen} bytes")
    sender_point, record = body[21:86], body[86:]
    if len(record) > rs:
        raise ValueError("more than one record")
    private = ec.derive_private_key(int.from_bytes(receiver_private, "big"), ec.SECP256R1())
    receiver_point = private.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    sender = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender_point)
    ecdh_secret = private.exchange(ec.ECDH(), sender)
    ikm = hkdf(auth, ecdh_secret, b"WebPush: info\x00" + receiver_point + sender_point, 32)
    cek = hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
    nonce = hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
    padded = AESGCM(cek).decrypt(nonce, record, None).rstrip(b"\x00")
    if not padded.endswith(b"\x02"):
        raise ValueError("no last-record delimiter")
    return rs, padded[:-1]


def check_vapid(header, origins):
    """{"ok", "error", "aud", "exp", "sub", "token", "k"} for an Authorization header."""
    out = {"ok": False}
    try:
        if not header.startswith("vapid "):
            raise ValueError("not the vapid scheme")
        params = dict(p.strip().split("=", 1) for p in header[len("vapid "):].split(","))
        token, k = params["t"], params["k"]
        out.update(token=token, k=k)
        head_b64, claims_b64, sig_b64 = token.split(".")
        head = json.loads(unb64(head_b64))
        if head != {"typ": "JWT", "alg": "ES256"}:
            raise ValueError(f"header {head}")
        claims = json.loads(unb64(claims_b64))
        out.update(aud=claims.get("aud"), exp=claims.get("exp"), sub=claims.get("sub"))
        sig = unb64(sig_b64)
        if len(sig) != 64:
            raise ValueError("signature is not r || s")
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(k))
        der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
        key.verify(der, f"{head_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        if claims.get("aud") not in origins:
            raise ValueError(f"aud {claims.get('aud')} is not this service")
        now = time.time()
        if not now < claims["exp"] <= now + MAX_EXP_S + 5:
            raise ValueError(f"exp {claims['exp']} is not within 12 h of {now}")
        sub = claims.get("sub", "")
        if not (sub.startswith("mailto:") or sub.startswith("https:")):
            raise ValueError("sub is not mailto: or https:")
        out["ok"] = True
    except InvalidSignature:
        out["error"] = "bad signature"
    except Exception as e:  # noqa: BLE001 - every failure is a finding to report
        out["error"] = f"{type(e).__name__}: {e}"
    return out


def make_ca(directory):
    key_path, cert_path = os.path.join(directory, "ca.key"), os.path.join(directory, "ca.pem")
    if os.path.exists(cert_path):
        key = serialization.load_pem_private_key(open(key_path, "rb").read(), None)
        return key, x509.load_pem_x509_certificate(open(cert_path, "rb").read()), cert_path
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"gadehold test push CA {os.getpid()}")])
    now = datetime.datetime.utcnow()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with open(cert_path + ".tmp", "wb") as f:
        f.write(cert.public_bytes(Encoding.PEM))
    os.replace(cert_path + ".tmp", cert_path)
    return key, cert, cert_path


def make_leaf(directory, ca_key, ca_cert, names):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.utcnow()
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([san(n) for n in names]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    tag = f"leaf-{os.getpid()}"
    cert_path, key_path = os.path.join(directory, tag + ".pem"), os.path.join(directory, tag + ".key")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


def san(name):
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


class PushHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real push services do
    origins = set()

    def log_message(self, *args):
        pass

    def do_POST(self):
        arrival = time.time()
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        path = self.path
        with LOCK:
            rules = RULES.get(path, ["201"])
            answer = rules.pop(0) if len(rules) > 1 else rules[0]
            keys = KEYS.get(path)
        record = {"path": path, "peer_port": self.client_address[1], "headers": {k.lower(): v for k, v in self.headers.items()},
                  "body_len": len(body), "arrival": arrival, "answer": answer,
                  "jwt": check_vapid(self.headers.get("Authorization", ""), self.origins),
                  "plaintext": None, "error": None}
        if keys:
            try:
                record["plaintext"] = decrypt(body, unb64(keys["private"]), unb64(keys["auth"])).decode()
            except Exception as e:  # noqa: BLE001
                record["error"] = f"{type(e).__name__}: {e}"
        with LOCK:
            RECORDS.append(record)
        if answer == "hang":
            STOP.wait(600)
            self.close_connection = True
            return
        headers = {}
        body_out = b""
        if answer.startswith("201-body:"):  # a 2xx with a body past any sane size
            status = 201
            body_out = b"x" * int(answer.split(":")[1])
        elif answer.startswith("429-date:"):
            status = 429
            headers["Retry-After"] = email.utils.formatdate(time.time() + float(answer.split(":")[1]), usegmt=True)
        elif answer.startswith("429:"):
            status = 429
            headers["Retry-After"] = answer.split(":")[1]
        else:
            status = int(answer)
        if status == 201:
            headers["Location"] = f"/message/{len(RECORDS)}"
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body_out)))
        self.end_headers()
        if body_out:
            self.wfile.write(body_out)


class ControlHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, obj):
        data = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with LOCK:
            self.reply({"records": list(RECORDS)})

    def do_POST(self):
        obj = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        with LOCK:
            if self.path == "/rules":
                RULES.update({k: list(v) for k, v in obj.items()})
            elif self.path == "/keys":
                KEYS.update(obj)
        self.reply({"ok": True})


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a refused handshake or a client that hung up is part of the tests


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--names", default="localhost,127.0.0.1",
                        help="the certificate's names and addresses, comma-separated")
    args = parser.parse_args()
    ca_key, ca_cert, ca_path = make_ca(args.dir)
    cert_path, key_path = make_leaf(args.dir, ca_key, ca_cert, args.names.split(","))

    push = QuietServer(("127.0.0.1", 0), PushHandler)
    push.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    push.socket = context.wrap_socket(push.socket, server_side=True)
    port = push.server_address[1]
    PushHandler.origins = {f"https://127.0.0.1:{port}", f"https://localhost:{port}"}
    control = QuietServer(("127.0.0.1", 0), ControlHandler)
    control.daemon_threads = True
    threading.Thread(target=push.serve_forever, daemon=True).start()
    threading.Thread(target=control.serve_forever, daemon=True).start()
    print(f"push-service ready port={port} control={control.server_address[1]} ca={ca_path}",
          file=sys.stderr, flush=True)
    try:
        sys.stdin.read()  # until the test closes stdin or kills the process
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    STOP.set()


if __name__ == "__main__":
    main()
