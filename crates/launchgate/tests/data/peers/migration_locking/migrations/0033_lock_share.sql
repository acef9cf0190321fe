LOCK TABLE orders IN ROW EXCLUSIVE MODE; -- ok: DAT-009
LOCK orders; -- expect: DAT-009
