"""Writes .xls files whose compound-file container is damaged where calamine 0.38 reads it
without looking for loops (cfb.rs: `Cfb::new`, `Sectors::get_chain`):

    python3 tests/data/workbook/make_chain_xls.py

Each is a workbook of one sheet `S1` holding 1 in A1, in a container damaged so:

root-chain-loop.xls, root-chain-loop-v4.xls
    the root entry's stream (the mini stream) starts at a sector that leads back to itself,
    and the root entry says it is 4 GB (version 3) or 1 TB (version 4, 4 KiB sectors) long.
    The `cfb` crate opens the file (it follows that chain only to read a small stream);
    calamine copies the chain round until it has the size declared.
minifat-chain-loop.xls
    the chain of the mini stream's table (its MiniFAT) leads back to its first sector, and
    the header says it is 2³¹ sectors long. The `cfb` crate refuses the file.
minifat-chain-past-end.xls
    the MiniFAT's chain goes on to the sector just past the end of the file. The `cfb` crate
    ends the chain there; calamine reads that sector's FAT entry, a 0 of the FAT's padding,
    and goes on to sector 0, which leads back to the MiniFAT's first sector.
dir-chain-loop.xls
    the directory's chain leads back to its first sector. The `cfb` crate refuses the file.
dir-chain-past-end.xls
    the directory's chain goes past the end of the file and round through sector 0, as the
    MiniFAT's above; calamine reads a directory with no end.
mini-stream-loop.xls
    the workbook stream is small (under 4 KiB), so kept in the mini stream, and its first
    mini sector leads back to itself. The `cfb` crate refuses to read it; calamine stops at
    the stream's size (it reads its first mini sector twice).
chain-past-eof.xls
    the MiniFAT's chain goes on to the second sector past the end of the file, where
    calamine slices its buffer from past its end (a panic).
difat-repeats.xls, difat-repeats-free.xls
    the header and 8 DIFAT sectors list one sector as a FAT sector 1 124 times: both readers
    read it into the FAT each time (4 KiB sectors listed so take 1 000 times the file's size
    in memory). That sector is the workbook's first, which the `cfb` crate refuses once it
    has read them all, or a sector of free entries, which it strips (and calamine reads the
    workbook).
orphan-workbook-loop.xls
    the directory holds a stream named Workbook that is not in the root's tree of entries
    (the `cfb` crate does not see it, calamine finds it by its name), its chain leading back
    to itself and its size 4 GB.
"""

import struct
from pathlib import Path

here = Path(__file__).resolve().parent

END = 0xFFFFFFFE
FREE = 0xFFFFFFFF
FAT_SECTOR = 0xFFFFFFFD
NO_STREAM = 0xFFFFFFFF


def record(typ, data=b""):
    return struct.pack("<HH", typ, len(data)) + data


def workbook():
    """A BIFF8 workbook stream: one sheet, S1, holding 1 in A1."""
    bof = lambda kind: record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0, 0, 0, 0))
    sheet = lambda at: record(0x0085, struct.pack("<IBB", at, 0, 0) + b"\x02\x00S1")
    globals_ = bof(0x0005) + sheet(0) + record(0x000A)
    return (
        bof(0x0005)
        + sheet(len(globals_))
        + record(0x000A)
        + bof(0x0010)
        + record(0x0203, struct.pack("<HHHd", 0, 0, 0, 1.0))
        + record(0x000A)
    )


def entry(name, typ, child=NO_STREAM, start=END, size=0):
    """A directory entry of 128 bytes."""
    n = (name + "\0").encode("utf-16-le")
    e = n.ljust(64, b"\0") + struct.pack("<HBB", len(n), typ, 1)
    e += struct.pack("<III", NO_STREAM, NO_STREAM, child) + b"\0" * 36
    return e + struct.pack("<IQ", start, size)


def container(version, sectors, fat, dir_start, minifat_start=END, minifat_len=0, fat_at=0):
    """A compound file of `sectors` (numbered from 0), its one FAT sector at `fat_at`."""
    size = 512 if version == 3 else 4096
    fat = fat + [FREE] * (size // 4 - len(fat))
    header = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, version, 0xFFFE, 9 if version == 3 else 12, 6)
    header += b"\0" * 6 + struct.pack(
        "<9I", 0 if version == 3 else 1, 1, dir_start, 0, 4096, minifat_start, minifat_len, END, 0
    )
    header += struct.pack("<I", fat_at) + struct.pack("<I", FREE) * 108
    sectors = list(sectors)
    sectors[fat_at] = b"".join(struct.pack("<I", x) for x in fat)
    return header.ljust(size, b"\0") + b"".join(s.ljust(size, b"\0") for s in sectors)


def regular(version, lead=0, extra=0, edits=lambda p: {}, root=lambda p: (END, 0),
            minifat=lambda p: (END, 0), contents=lambda p: {}, in_tree=True,
            workbook_size=None):
    """`lead` spare sectors, the FAT, the directory, the workbook stream (4 KiB, in regular
    sectors), then `extra` more; `edits`, `root`, `minifat` and `contents` are given where
    those are (p: fat, dir, book, extra, end: the first sector past the file)."""
    size = 512 if version == 3 else 4096
    book = workbook().ljust(4096, b"\0")
    n_book = len(book) // size
    p = {"fat": lead, "dir": lead + 1, "book": lead + 2}
    p["extra"] = p["book"] + n_book
    p["end"] = p["extra"] + extra
    fat = [END] * p["end"]
    fat[p["fat"]] = FAT_SECTOR
    for i in range(n_book - 1):
        fat[p["book"] + i] = p["book"] + i + 1
    for at, to in edits(p).items():
        fat += [FREE] * (at + 1 - len(fat))
        fat[at] = to
    sectors = [b""] * p["end"]
    for i in range(n_book):
        sectors[p["book"] + i] = book[i * size:(i + 1) * size]
    for at, content in contents(p).items():
        sectors[at] = content
    root_start, root_size = root(p)
    sectors[p["dir"]] = entry(
        "Root Entry", 5, child=1 if in_tree else NO_STREAM, start=root_start, size=root_size
    ) + entry("Workbook", 2, start=p["book"], size=workbook_size or len(book))
    minifat_start, minifat_len = minifat(p)
    return container(version, sectors, fat, p["dir"], minifat_start, minifat_len, p["fat"])


def root_chain_loop(version, size):
    """The mini stream's chain loops; its MiniFAT is one free sector."""
    free = struct.pack("<I", FREE) * (128 if version == 3 else 1024)
    return regular(
        version,
        extra=2,
        edits=lambda p: {p["extra"]: p["extra"]},
        root=lambda p: (p["extra"], size),
        minifat=lambda p: (p["extra"] + 1, 1),
        contents=lambda p: {p["extra"] + 1: free},
    )


def mini_stream_loop():
    """0 FAT, 1 directory, 2 MiniFAT, 3 the mini stream: the workbook, its first mini
    sector leading back to itself."""
    book = workbook()
    n = -(-len(book) // 64)
    chain = [0] + [i + 1 for i in range(1, n - 1)] + [END]
    minifat = b"".join(struct.pack("<I", x) for x in chain)
    directory = entry("Root Entry", 5, child=1, start=3, size=n * 64)
    directory += entry("Workbook", 2, start=0, size=len(book))
    return container(3, [b"", directory, minifat.ljust(512, b"\xff"), book],
                     [FAT_SECTOR, END, END, END], 1, 2, 1)


def difat_repeats(free):
    """0 FAT, 1 directory, 2 all free entries, 3.. the workbook, then 8 DIFAT sectors, each
    listing sector 2 (or 3, the workbook's first) 127 times, as the header does 108 times."""
    book = workbook().ljust(4096, b"\0")
    n_book = len(book) // 512
    listed = struct.pack("<I", 2 if free else 3)
    fat = [FAT_SECTOR, END, FREE] + [4 + i for i in range(n_book - 1)] + [END]
    difat_at = len(fat)
    fat += [0xFFFFFFFC] * 8
    sectors = [b"", entry("Root Entry", 5, child=1) + entry("Workbook", 2, start=3, size=len(book)),
               b"\xff" * 512] + [book[i * 512:(i + 1) * 512] for i in range(n_book)]
    for i in range(8):
        sectors.append(listed * 127 + struct.pack("<I", difat_at + i + 1 if i < 7 else END))
    data = bytearray(container(3, sectors, fat, 1))
    # The header: 8 DIFAT sectors from `difat_at`, and its own entries after the first.
    data[68:76] = struct.pack("<II", difat_at, 8)
    data[80:512] = listed * 108
    return bytes(data)


files = {
    "root-chain-loop.xls": root_chain_loop(3, 0xFFFFFFC0),
    "root-chain-loop-v4.xls": root_chain_loop(4, 1 << 40),
    "minifat-chain-loop.xls": regular(
        3, extra=1, edits=lambda p: {p["extra"]: p["extra"]},
        minifat=lambda p: (p["extra"], 0x7FFFFFFF)),
    "minifat-chain-past-end.xls": regular(
        3, lead=1, extra=1,
        edits=lambda p: {0: p["extra"], p["extra"]: p["end"], p["end"]: 0},
        minifat=lambda p: (p["extra"], 0x7FFFFFFF)),
    "dir-chain-loop.xls": regular(3, edits=lambda p: {p["dir"]: p["dir"]}),
    "dir-chain-past-end.xls": regular(
        3, lead=1, edits=lambda p: {0: p["dir"], p["dir"]: p["end"], p["end"]: 0}),
    "mini-stream-loop.xls": mini_stream_loop(),
    "chain-past-eof.xls": regular(
        3, extra=1, edits=lambda p: {p["extra"]: p["end"] + 1},
        minifat=lambda p: (p["extra"], 2)),
    "difat-repeats.xls": difat_repeats(free=False),
    "difat-repeats-free.xls": difat_repeats(free=True),
    "orphan-workbook-loop.xls": regular(
        3, in_tree=False, workbook_size=0xFFFFFFFF,
        edits=lambda p: {p["book"]: p["book"]}),
}

for name, data in files.items():
    (here / name).write_bytes(data)
