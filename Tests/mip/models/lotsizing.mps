NAME lotsizing
OBJSENSE
    MIN
ROWS
 N obj
 E balance[0]
 L switch[0]
 L batch[0]
 E balance[1]
 L switch[1]
 L batch[1]
 E balance[2]
 L switch[2]
 L batch[2]
 E balance[3]
 L switch[3]
 L batch[3]
 E balance[4]
 L switch[4]
 L batch[4]
 E balance[5]
 L switch[5]
 L batch[5]
 E balance[6]
 L switch[6]
 L batch[6]
 E balance[7]
 L switch[7]
 L batch[7]
COLUMNS
 make[0] obj 1
 make[0] balance[0] 1
 make[0] switch[0] 1
 make[0] batch[0] 1
 setup[0] obj 120
 setup[0] switch[0] -150
 stock[0] obj 2
 stock[0] balance[0] -1
 stock[0] balance[1] 1
 MARKER 'MARKER' 'INTORG'
 batches[0] obj 3
 batches[0] batch[0] -40
 MARKER 'MARKER' 'INTEND'
 make[1] obj 1
 make[1] balance[1] 1
 make[1] switch[1] 1
 make[1] batch[1] 1
 setup[1] obj 120
 setup[1] switch[1] -150
 stock[1] obj 2
 stock[1] balance[1] -1
 stock[1] balance[2] 1
 MARKER 'MARKER' 'INTORG'
 batches[1] obj 3
 batches[1] batch[1] -40
 MARKER 'MARKER' 'INTEND'
 make[2] obj 1
 make[2] balance[2] 1
 make[2] switch[2] 1
 make[2] batch[2] 1
 setup[2] obj 120
 setup[2] switch[2] -150
 stock[2] obj 2
 stock[2] balance[2] -1
 stock[2] balance[3] 1
 MARKER 'MARKER' 'INTORG'
 batches[2] obj 3
 batches[2] batch[2] -40
 MARKER 'MARKER' 'INTEND'
 make[3] obj 1
 make[3] balance[3] 1
 make[3] switch[3] 1
 make[3] batch[3] 1
 setup[3] obj 120
 setup[3] switch[3] -150
 stock[3] obj 2
 stock[3] balance[3] -1
 stock[3] balance[4] 1
 MARKER 'MARKER' 'INTORG'
 batches[3] obj 3
 batches[3] batch[3] -40
 MARKER 'MARKER' 'INTEND'
 make[4] obj 1
 make[4] balance[4] 1
 make[4] switch[4] 1
 make[4] batch[4] 1
 setup[4] obj 120
 setup[4] switch[4] -150
 stock[4] obj 2
 stock[4] balance[4] -1
 stock[4] balance[5] 1
 MARKER 'MARKER' 'INTORG'
 batches[4] obj 3
 batches[4] batch[4] -40
 MARKER 'MARKER' 'INTEND'
 make[5] obj 1
 make[5] balance[5] 1
 make[5] switch[5] 1
 make[5] batch[5] 1
 setup[5] obj 120
 setup[5] switch[5] -150
 stock[5] obj 2
 stock[5] balance[5] -1
 stock[5] balance[6] 1
 MARKER 'MARKER' 'INTORG'
 batches[5] obj 3
 batches[5] batch[5] -40
 MARKER 'MARKER' 'INTEND'
 make[6] obj 1
 make[6] balance[6] 1
 make[6] switch[6] 1
 make[6] batch[6] 1
 setup[6] obj 120
 setup[6] switch[6] -150
 stock[6] obj 2
 stock[6] balance[6] -1
 stock[6] balance[7] 1
 MARKER 'MARKER' 'INTORG'
 batches[6] obj 3
 batches[6] batch[6] -40
 MARKER 'MARKER' 'INTEND'
 make[7] obj 1
 make[7] balance[7] 1
 make[7] switch[7] 1
 make[7] batch[7] 1
 setup[7] obj 120
 setup[7] switch[7] -150
 stock[7] obj 2
 stock[7] balance[7] -1
 MARKER 'MARKER' 'INTORG'
 batches[7] obj 3
 batches[7] batch[7] -40
 MARKER 'MARKER' 'INTEND'
RHS
 rhs balance[0] 40
 rhs balance[2] 70
 rhs balance[3] 30
 rhs balance[4] 90
 rhs balance[5] 20
 rhs balance[6] 60
 rhs balance[7] 50
BOUNDS
 UP bnd make[0] 150
 BV bnd setup[0]
 UP bnd batches[0] 5
 UP bnd make[1] 150
 BV bnd setup[1]
 UP bnd batches[1] 5
 UP bnd make[2] 150
 BV bnd setup[2]
 UP bnd batches[2] 5
 UP bnd make[3] 150
 BV bnd setup[3]
 UP bnd batches[3] 5
 UP bnd make[4] 150
 BV bnd setup[4]
 UP bnd batches[4] 5
 UP bnd make[5] 150
 BV bnd setup[5]
 UP bnd batches[5] 5
 UP bnd make[6] 150
 BV bnd setup[6]
 UP bnd batches[6] 5
 UP bnd make[7] 150
 BV bnd setup[7]
 UP bnd batches[7] 5
ENDATA
