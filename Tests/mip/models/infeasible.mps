NAME infeasible
OBJSENSE
    MIN
ROWS
 N obj
 E odd
COLUMNS
 MARKER 'MARKER' 'INTORG'
 x obj 1
 x odd 2
 y obj 1
 y odd 2
 MARKER 'MARKER' 'INTEND'
RHS
 rhs odd 7
BOUNDS
 UP bnd x 10
 UP bnd y 10
ENDATA
