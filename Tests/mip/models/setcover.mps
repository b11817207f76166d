NAME setcover
OBJSENSE
    MIN
ROWS
 N obj
 G cover[0]
 G cover[1]
 G cover[2]
 G cover[3]
 G cover[4]
 G cover[5]
 G cover[6]
 G cover[7]
 G cover[8]
 G cover[9]
 G cover[10]
 G cover[11]
 G cover[12]
 G cover[13]
 G cover[14]
 G cover[15]
 G cover[16]
 G cover[17]
 G cover[18]
 G cover[19]
COLUMNS
 use[0] obj 4
 use[0] cover[2] 1
 use[0] cover[6] 1
 use[0] cover[14] 1
 use[0] cover[16] 1
 use[0] cover[17] 1
 use[0] cover[18] 1
 use[1] obj 2
 use[1] cover[1] 1
 use[1] cover[2] 1
 use[1] cover[3] 1
 use[1] cover[5] 1
 use[1] cover[9] 1
 use[1] cover[14] 1
 use[1] cover[15] 1
 use[2] obj 6
 use[2] cover[0] 1
 use[2] cover[1] 1
 use[2] cover[5] 1
 use[2] cover[8] 1
 use[2] cover[12] 1
 use[2] cover[13] 1
 use[2] cover[14] 1
 use[3] obj 5
 use[3] cover[1] 1
 use[3] cover[6] 1
 use[3] cover[19] 1
 use[4] obj 2
 use[4] cover[0] 1
 use[4] cover[10] 1
 use[4] cover[14] 1
 use[4] cover[19] 1
 use[5] obj 4
 use[5] cover[6] 1
 use[5] cover[7] 1
 use[5] cover[9] 1
 use[5] cover[16] 1
 use[5] cover[17] 1
 use[5] cover[18] 1
 use[6] obj 5
 use[6] cover[2] 1
 use[6] cover[8] 1
 use[6] cover[14] 1
 use[7] obj 2
 use[7] cover[2] 1
 use[7] cover[7] 1
 use[7] cover[8] 1
 use[7] cover[10] 1
 use[7] cover[17] 1
 use[7] cover[19] 1
 use[8] obj 6
 use[8] cover[0] 1
 use[8] cover[2] 1
 use[8] cover[3] 1
 use[8] cover[12] 1
 use[8] cover[17] 1
 use[9] obj 2
 use[9] cover[0] 1
 use[9] cover[2] 1
 use[9] cover[6] 1
 use[9] cover[12] 1
 use[9] cover[17] 1
 use[10] obj 4
 use[10] cover[1] 1
 use[10] cover[12] 1
 use[10] cover[15] 1
 use[10] cover[17] 1
 use[11] obj 6
 use[11] cover[1] 1
 use[11] cover[2] 1
 use[11] cover[6] 1
 use[11] cover[8] 1
 use[11] cover[10] 1
 use[11] cover[11] 1
 use[11] cover[18] 1
 use[12] obj 4
 use[12] cover[0] 1
 use[12] cover[3] 1
 use[12] cover[4] 1
 use[12] cover[10] 1
 use[12] cover[13] 1
 use[13] obj 1
 use[13] cover[0] 1
 use[13] cover[1] 1
 use[13] cover[3] 1
 use[13] cover[14] 1
RHS
 rhs cover[0] 1
 rhs cover[1] 1
 rhs cover[2] 1
 rhs cover[3] 1
 rhs cover[4] 1
 rhs cover[5] 1
 rhs cover[6] 1
 rhs cover[7] 1
 rhs cover[8] 1
 rhs cover[9] 1
 rhs cover[10] 1
 rhs cover[11] 1
 rhs cover[12] 1
 rhs cover[13] 1
 rhs cover[14] 1
 rhs cover[15] 1
 rhs cover[16] 1
 rhs cover[17] 1
 rhs cover[18] 1
 rhs cover[19] 1
BOUNDS
 BV bnd use[0]
 BV bnd use[1]
 BV bnd use[2]
 BV bnd use[3]
 BV bnd use[4]
 BV bnd use[5]
 BV bnd use[6]
 BV bnd use[7]
 BV bnd use[8]
 BV bnd use[9]
 BV bnd use[10]
 BV bnd use[11]
 BV bnd use[12]
 BV bnd use[13]
ENDATA
