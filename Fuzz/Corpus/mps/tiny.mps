NAME          TINY
ROWS
 N  COST
 L  LIM1
 G  LIM2
 E  MYEQN
COLUMNS
    MARKER                 'MARKER'                 'INTORG'
    XONE      COST                 1   LIM1                 1
    XONE      LIM2                 1
    MARKER                 'MARKER'                 'INTEND'
    YTWO      COST                 2   LIM1                 1
    YTWO      MYEQN               -1
    ZTHREE    COST                 3   LIM2                 1
    ZTHREE    MYEQN                1
RHS
    RHS       LIM1                 4   LIM2                 1
    RHS       MYEQN                7
RANGES
    RNG       LIM1               2.5
BOUNDS
 UP BND       XONE                 4
 MI BND       YTWO
 UP BND       YTWO                 1
 BV BND       ZTHREE
ENDATA
