ALTER TABLE payments ADD PRIMARY KEY (id); -- expect: DAT-009
