NAME facility
OBJSENSE
    MIN
ROWS
 N obj
 G demand[0]
 G demand[1]
 G demand[2]
 G demand[3]
 G demand[4]
 G demand[5]
 G demand[6]
 G demand[7]
 G demand[8]
 G demand[9]
 G demand[10]
 G demand[11]
 L capacity[0]
 L capacity[1]
 L capacity[2]
 L capacity[3]
 L capacity[4]
COLUMNS
 open[0] obj 60
 open[0] capacity[0] -60
 open[1] obj 49
 open[1] capacity[1] -60
 open[2] obj 65
 open[2] capacity[2] -60
 open[3] obj 81
 open[3] capacity[3] -60
 open[4] obj 43
 open[4] capacity[4] -60
 ship[0,0] obj 9
 ship[0,0] demand[0] 1
 ship[0,0] capacity[0] 1
 ship[0,1] obj 7
 ship[0,1] demand[1] 1
 ship[0,1] capacity[0] 1
 ship[0,2] obj 1
 ship[0,2] demand[2] 1
 ship[0,2] capacity[0] 1
 ship[0,3] obj 2
 ship[0,3] demand[3] 1
 ship[0,3] capacity[0] 1
 ship[0,4] obj 4
 ship[0,4] demand[4] 1
 ship[0,4] capacity[0] 1
 ship[0,5] obj 1
 ship[0,5] demand[5] 1
 ship[0,5] capacity[0] 1
 ship[0,6] obj 7
 ship[0,6] demand[6] 1
 ship[0,6] capacity[0] 1
 ship[0,7] obj 1
 ship[0,7] demand[7] 1
 ship[0,7] capacity[0] 1
 ship[0,8] obj 4
 ship[0,8] demand[8] 1
 ship[0,8] capacity[0] 1
 ship[0,9] obj 1
 ship[0,9] demand[9] 1
 ship[0,9] capacity[0] 1
 ship[0,10] obj 9
 ship[0,10] demand[10] 1
 ship[0,10] capacity[0] 1
 ship[0,11] obj 3
 ship[0,11] demand[11] 1
 ship[0,11] capacity[0] 1
 ship[1,0] obj 5
 ship[1,0] demand[0] 1
 ship[1,0] capacity[1] 1
 ship[1,1] obj 7
 ship[1,1] demand[1] 1
 ship[1,1] capacity[1] 1
 ship[1,2] obj 3
 ship[1,2] demand[2] 1
 ship[1,2] capacity[1] 1
 ship[1,3] obj 9
 ship[1,3] demand[3] 1
 ship[1,3] capacity[1] 1
 ship[1,4] obj 2
 ship[1,4] demand[4] 1
 ship[1,4] capacity[1] 1
 ship[1,5] obj 5
 ship[1,5] demand[5] 1
 ship[1,5] capacity[1] 1
 ship[1,6] obj 9
 ship[1,6] demand[6] 1
 ship[1,6] capacity[1] 1
 ship[1,7] obj 3
 ship[1,7] demand[7] 1
 ship[1,7] capacity[1] 1
 ship[1,8] obj 2
 ship[1,8] demand[8] 1
 ship[1,8] capacity[1] 1
 ship[1,9] obj 4
 ship[1,9] demand[9] 1
 ship[1,9] capacity[1] 1
 ship[1,10] obj 6
 ship[1,10] demand[10] 1
 ship[1,10] capacity[1] 1
 ship[1,11] obj 2
 ship[1,11] demand[11] 1
 ship[1,11] capacity[1] 1
 ship[2,0] obj 9
 ship[2,0] demand[0] 1
 ship[2,0] capacity[2] 1
 ship[2,1] obj 2
 ship[2,1] demand[1] 1
 ship[2,1] capacity[2] 1
 ship[2,2] obj 1
 ship[2,2] demand[2] 1
 ship[2,2] capacity[2] 1
 ship[2,3] obj 4
 ship[2,3] demand[3] 1
 ship[2,3] capacity[2] 1
 ship[2,4] obj 8
 ship[2,4] demand[4] 1
 ship[2,4] capacity[2] 1
 ship[2,5] obj 9
 ship[2,5] demand[5] 1
 ship[2,5] capacity[2] 1
 ship[2,6] obj 7
 ship[2,6] demand[6] 1
 ship[2,6] capacity[2] 1
 ship[2,7] obj 6
 ship[2,7] demand[7] 1
 ship[2,7] capacity[2] 1
 ship[2,8] obj 8
 ship[2,8] demand[8] 1
 ship[2,8] capacity[2] 1
 ship[2,9] obj 8
 ship[2,9] demand[9] 1
 ship[2,9] capacity[2] 1
 ship[2,10] obj 6
 ship[2,10] demand[10] 1
 ship[2,10] capacity[2] 1
 ship[2,11] obj 5
 ship[2,11] demand[11] 1
 ship[2,11] capacity[2] 1
 ship[3,0] obj 4
 ship[3,0] demand[0] 1
 ship[3,0] capacity[3] 1
 ship[3,1] obj 3
 ship[3,1] demand[1] 1
 ship[3,1] capacity[3] 1
 ship[3,2] obj 4
 ship[3,2] demand[2] 1
 ship[3,2] capacity[3] 1
 ship[3,3] obj 2
 ship[3,3] demand[3] 1
 ship[3,3] capacity[3] 1
 ship[3,4] obj 5
 ship[3,4] demand[4] 1
 ship[3,4] capacity[3] 1
 ship[3,5] obj 9
 ship[3,5] demand[5] 1
 ship[3,5] capacity[3] 1
 ship[3,6] obj 8
 ship[3,6] demand[6] 1
 ship[3,6] capacity[3] 1
 ship[3,7] obj 6
 ship[3,7] demand[7] 1
 ship[3,7] capacity[3] 1
 ship[3,8] obj 8
 ship[3,8] demand[8] 1
 ship[3,8] capacity[3] 1
 ship[3,9] obj 5
 ship[3,9] demand[9] 1
 ship[3,9] capacity[3] 1
 ship[3,10] obj 2
 ship[3,10] demand[10] 1
 ship[3,10] capacity[3] 1
 ship[3,11] obj 2
 ship[3,11] demand[11] 1
 ship[3,11] capacity[3] 1
 ship[4,0] obj 9
 ship[4,0] demand[0] 1
 ship[4,0] capacity[4] 1
 ship[4,1] obj 7
 ship[4,1] demand[1] 1
 ship[4,1] capacity[4] 1
 ship[4,2] obj 3
 ship[4,2] demand[2] 1
 ship[4,2] capacity[4] 1
 ship[4,3] obj 6
 ship[4,3] demand[3] 1
 ship[4,3] capacity[4] 1
 ship[4,4] obj 3
 ship[4,4] demand[4] 1
 ship[4,4] capacity[4] 1
 ship[4,5] obj 8
 ship[4,5] demand[5] 1
 ship[4,5] capacity[4] 1
 ship[4,6] obj 7
 ship[4,6] demand[6] 1
 ship[4,6] capacity[4] 1
 ship[4,7] obj 1
 ship[4,7] demand[7] 1
 ship[4,7] capacity[4] 1
 ship[4,8] obj 2
 ship[4,8] demand[8] 1
 ship[4,8] capacity[4] 1
 ship[4,9] obj 9
 ship[4,9] demand[9] 1
 ship[4,9] capacity[4] 1
 ship[4,10] obj 6
 ship[4,10] demand[10] 1
 ship[4,10] capacity[4] 1
 ship[4,11] obj 6
 ship[4,11] demand[11] 1
 ship[4,11] capacity[4] 1
RHS
 rhs demand[0] 7
 rhs demand[1] 8
 rhs demand[2] 16
 rhs demand[3] 6
 rhs demand[4] 11
 rhs demand[5] 6
 rhs demand[6] 7
 rhs demand[7] 18
 rhs demand[8] 18
 rhs demand[9] 7
 rhs demand[10] 12
 rhs demand[11] 7
BOUNDS
 BV bnd open[0]
 BV bnd open[1]
 BV bnd open[2]
 BV bnd open[3]
 BV bnd open[4]
 UP bnd ship[0,0] 7
 UP bnd ship[0,1] 8
 UP bnd ship[0,2] 16
 UP bnd ship[0,3] 6
 UP bnd ship[0,4] 11
 UP bnd ship[0,5] 6
 UP bnd ship[0,6] 7
 UP bnd ship[0,7] 18
 UP bnd ship[0,8] 18
 UP bnd ship[0,9] 7
 UP bnd ship[0,10] 12
 UP bnd ship[0,11] 7
 UP bnd ship[1,0] 7
 UP bnd ship[1,1] 8
 UP bnd ship[1,2] 16
 UP bnd ship[1,3] 6
 UP bnd ship[1,4] 11
 UP bnd ship[1,5] 6
 UP bnd ship[1,6] 7
 UP bnd ship[1,7] 18
 UP bnd ship[1,8] 18
 UP bnd ship[1,9] 7
 UP bnd ship[1,10] 12
 UP bnd ship[1,11] 7
 UP bnd ship[2,0] 7
 UP bnd ship[2,1] 8
 UP bnd ship[2,2] 16
 UP bnd ship[2,3] 6
 UP bnd ship[2,4] 11
 UP bnd ship[2,5] 6
 UP bnd ship[2,6] 7
 UP bnd ship[2,7] 18
 UP bnd ship[2,8] 18
 UP bnd ship[2,9] 7
 UP bnd ship[2,10] 12
 UP bnd ship[2,11] 7
 UP bnd ship[3,0] 7
 UP bnd ship[3,1] 8
 UP bnd ship[3,2] 16
 UP bnd ship[3,3] 6
 UP bnd ship[3,4] 11
 UP bnd ship[3,5] 6
 UP bnd ship[3,6] 7
 UP bnd ship[3,7] 18
 UP bnd ship[3,8] 18
 UP bnd ship[3,9] 7
 UP bnd ship[3,10] 12
 UP bnd ship[3,11] 7
 UP bnd ship[4,0] 7
 UP bnd ship[4,1] 8
 UP bnd ship[4,2] 16
 UP bnd ship[4,3] 6
 UP bnd ship[4,4] 11
 UP bnd ship[4,5] 6
 UP bnd ship[4,6] 7
 UP bnd ship[4,7] 18
 UP bnd ship[4,8] 18
 UP bnd ship[4,9] 7
 UP bnd ship[4,10] 12
 UP bnd ship[4,11] 7
ENDATA
