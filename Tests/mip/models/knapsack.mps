NAME knapsack
OBJSENSE
    MAX
ROWS
 N obj
 L capacity
COLUMNS
 take[0] obj 10
 take[0] capacity 3
 take[1] obj 13
 take[1] capacity 4
 take[2] obj 7
 take[2] capacity 2
 take[3] obj 8
 take[3] capacity 3
 take[4] obj 9
 take[4] capacity 3
 take[5] obj 4
 take[5] capacity 1
 take[6] obj 11
 take[6] capacity 5
RHS
 rhs capacity 11
BOUNDS
 BV bnd take[0]
 BV bnd take[1]
 BV bnd take[2]
 BV bnd take[3]
 BV bnd take[4]
 BV bnd take[5]
 BV bnd take[6]
ENDATA
