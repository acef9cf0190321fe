VACUUM FULL orders; -- expect: DAT-009
