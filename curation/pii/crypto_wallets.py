"""Cryptocurrency wallet addresses, each validated by its own checksum.

- Bitcoin base58check addresses (P2PKH `1...`, P2SH `3...`): 25 bytes whose last 4 are the first 4
  of the double SHA-256 of the rest (Bitcoin wiki, "Technical background of version 1 addresses").
- Bitcoin segwit addresses (`bc1...`): bech32 (BIP 173) for witness version 0 and bech32m
  (BIP 350) for later versions, in one case only.
- Ethereum addresses (`0x` + 40 hex digits). Their EIP-55 mixed-case checksum needs Keccak-256,
  which `hashlib` lacks, so the shape alone decides.
Presidio's `CryptoRecognizer` covers the Bitcoin forms; its tests are in the evaluation set.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import re2

from curation.pii.spans import Span

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_CONST, _BECH32M_CONST = 1, 0x2BC830A3
_WALLET = re2.compile(
    r"\b(?:[13][1-9A-HJ-NP-Za-km-z]{25,34}"
    r"|(?:bc|BC|tb|TB)1[02-9AC-HJ-NP-Zac-hj-np-z]{8,87}"
    r"|0x[0-9a-fA-F]{40})\b"
)


def find_crypto_wallets(text: str) -> Iterator[Span]:
    for match in _WALLET.finditer(text):
        address = match.group()
        if address.startswith("0x") or _base58check_valid(address) or _segwit_valid(address):
            yield Span(match.start(), match.end(), "crypto_wallet")


def _base58check_valid(address: str) -> bool:
    if address[0] not in "13" or not 26 <= len(address) <= 35:
        return False
    value = 0
    for char in address:
        index = _BASE58.find(char)
        if index < 0:
            return False
        value = value * 58 + index
    try:
        raw = value.to_bytes(25, "big")
    except OverflowError:
        return False
    checksum = hashlib.sha256(hashlib.sha256(raw[:21]).digest()).digest()[:4]
    return raw[21:] == checksum


def _segwit_valid(address: str) -> bool:
    if address != address.lower() and address != address.upper():
        return False
    address = address.lower()
    hrp, _, data_part = address.rpartition("1")
    if hrp not in ("bc", "tb") or len(data_part) < 7:
        return False
    data = [_BECH32_CHARSET.find(c) for c in data_part]
    if min(data) < 0:
        return False
    constant = _polymod([ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + data)
    version = data[0]
    return constant == (_BECH32_CONST if version == 0 else _BECH32M_CONST)


def _polymod(values: list[int]) -> int:
    generators = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for i, generator in enumerate(generators):
            if (top >> i) & 1:
                checksum ^= generator
    return checksum
