#!/usr/bin/env python3
"""Marks version requirements a shared library asks of libstdc++ as optional (VER_FLG_WEAK), in place.

    python3 weaken_glibcxx.py bin/.../runtimes/linux-x64/native/libLibTorchSharp.so [GLIBCXX_3.4.32 ...]

TorchSharp 0.107.0's libLibTorchSharp.so was linked against a libstdc++ that has GLIBCXX_3.4.32, which
Debian 12's (GCC 12) lacks, so the loader refuses it ("version `GLIBCXX_3.4.32' not found"). The only
symbol it needs at that version is _ZSt21ios_base_library_initv, the marker a GCC 13 <iostream> emits
and never calls. With the requirement weak, glibc's loader accepts the library when the version is
missing (dl-version.c: a weak miss is not fatal). Only the copy in the build output is patched, never
the NuGet cache. Prints what it did; idempotent; exits 0 when there is nothing to patch.
"""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def main(path, names):
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit(f"{path}: not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    patched = []
    for sh in sections:
        if sh[1] != SHT_GNU_VERNEED:
            continue
        offset, link, count = sh[4], sh[6], sh[7]  # sh_info = number of Verneed entries
        strtab = sections[link][4]

        def name_at(o):
            end = data.index(b"\0", strtab + o)
            return data[strtab + o:end].decode()

        need = offset
        for _ in range(count):
            _, cnt, vn_file, vn_aux, vn_next = struct.unpack_from("<HHIII", data, need)
            aux = need + vn_aux
            for _ in range(cnt):
                _, flags, _, vna_name, vna_next = struct.unpack_from("<IHHII", data, aux)
                name = name_at(vna_name)
                if name in names and not flags & VER_FLG_WEAK:
                    struct.pack_into("<H", data, aux + 4, flags | VER_FLG_WEAK)
                    patched.append(f"{name_at(vn_file)}:{name}")
                aux += vna_next
                if vna_next == 0:
                    break
            need += vn_next
            if vn_next == 0:
                break
    if patched:
        with open(path + ".tmp", "wb") as f:
            f.write(data)
        import os
        os.replace(path + ".tmp", path)
        print(f"{path}: marked optional: {', '.join(patched)}")
    else:
        print(f"{path}: nothing to mark (already optional or not required)")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], set(sys.argv[2:]) or {"GLIBCXX_3.4.32"})
