#ifndef LIVESOLVE_CBC_BRIDGE_H
#define LIVESOLVE_CBC_BRIDGE_H

// A C view of one mixed-integer program solved by CBC's branch and cut (CbcModel), so Swift
// can keep the program, its root LP basis and its last incumbent between solves, hear of each
// improving incumbent while a solve runs, and stop that solve at its next event.

#ifdef __cplusplus
extern "C" {
#endif

typedef struct CbcBridge CbcBridge;

/// How `cbcb_solve` ended.
enum CbcBridgeStatus {
    CBCB_OPTIMAL = 0,
    CBCB_INFEASIBLE = 1,
    CBCB_UNBOUNDED = 2,
    /// A limit or a stop ended the search: `hasIncumbent` says whether there is a point.
    CBCB_STOPPED = 3,
    CBCB_ERROR = 4
};

typedef struct {
    int status;
    int hasIncumbent;
    /// 1 when the stop came from the callback rather than a limit.
    int stoppedByCallback;
    /// 1 when the previous incumbent was feasible and given to CBC as its start.
    int startUsed;
    double objective;      // the incumbent's c·x in CBC's (minimising) sense, without the constant
    double bound;          // the best proven lower bound, same sense
    int nodes;
    int iterations;
    int incumbents;        // improving incumbents found in this solve
} CbcBridgeResult;

/// What the callback sees while a solve runs: the best incumbent so far (values and row
/// activities valid only during the call) and the bound.
typedef struct {
    int hasIncumbent;
    int isNewIncumbent;    // 1 when this incumbent was not shown before
    int startUsed;         // 1 when the solve started from the previous incumbent
    double objective;
    double bound;
    int nodes;
    int incumbents;
    const double *values;
    const double *rowActivities;
} CbcBridgeProgress;

/// Called at CBC's events (each node, each solution). Returns 1 to stop the solve.
typedef int (*CbcBridgeCallback)(void *context, const CbcBridgeProgress *progress);

CbcBridge *cbcb_create(void);
void cbcb_free(CbcBridge *bridge);

/// Loads a minimisation problem in column-major form; `isInteger` has one byte per column.
void cbcb_load(CbcBridge *bridge, int rows, int cols,
               const int *columnStarts, const int *rowIndices, const double *values,
               const double *colLower, const double *colUpper, const double *objective,
               const double *rowLower, const double *rowUpper, const unsigned char *isInteger);

void cbcb_set_objective(CbcBridge *bridge, int col, double value);
void cbcb_set_col_bounds(CbcBridge *bridge, int col, double lower, double upper);
void cbcb_set_row_bounds(CbcBridge *bridge, int row, double lower, double upper);
void cbcb_set_coefficient(CbcBridge *bridge, int row, int col, double value);

/// Branch and cut. `useStart`: start from the previous incumbent when it is still feasible.
/// Limits <= 0 mean none; `gap` is the relative gap at which the search stops.
CbcBridgeResult cbcb_solve(CbcBridge *bridge, double secondsLimit, double gap, int useStart,
                           CbcBridgeCallback callback, void *context);

int cbcb_rows(const CbcBridge *bridge);
int cbcb_cols(const CbcBridge *bridge);
/// The last solve's incumbent (zeros before any) and its row activities.
const double *cbcb_col_values(const CbcBridge *bridge);
const double *cbcb_row_activities(const CbcBridge *bridge);

/// The root LP basis: one CLP status byte per column, then one per row.
void cbcb_get_basis(const CbcBridge *bridge, unsigned char *out);
void cbcb_set_basis(CbcBridge *bridge, const unsigned char *in);

#ifdef __cplusplus
}
#endif

#endif
