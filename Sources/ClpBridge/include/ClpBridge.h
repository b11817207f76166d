#ifndef LIVESOLVE_CLP_BRIDGE_H
#define LIVESOLVE_CLP_BRIDGE_H

// A C view of one ClpSimplex, so Swift can drive CLP's C++ API, which keeps the
// factorization between re-solves (the C API refactorizes on every call).

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ClpBridge ClpBridge;

/// How `clpb_solve` starts.
enum ClpBridgeMode {
    /// Presolve and solve from scratch.
    CLPB_COLD = 0,
    /// Primal simplex from the current basis.
    CLPB_PRIMAL = 1,
    /// Dual simplex from the current basis.
    CLPB_DUAL = 2,
    /// Barrier (interior point) from scratch, then crossover to a basis.
    CLPB_BARRIER = 3
};

/// What `clpb_solve` reports.
typedef struct {
    int status;            // CLP problem status: 0 optimal, 1 infeasible, 2 unbounded, 3 limit, 4 error, 5 event
    int secondaryStatus;   // CLP secondary status (9 = stopped on time)
    int iterations;
    double objective;      // c·x, without the model's constant, in CLP's (minimising) sense
    int primalFeasible;    // 1 when the current point is primal feasible
} ClpBridgeResult;

ClpBridge *clpb_create(void);
void clpb_free(ClpBridge *bridge);

/// Loads a minimisation problem in column-major form. Infinite bounds are ±DBL_MAX or ±inf.
void clpb_load(ClpBridge *bridge, int rows, int cols,
               const int *columnStarts, const int *rowIndices, const double *values,
               const double *colLower, const double *colUpper, const double *objective,
               const double *rowLower, const double *rowUpper);

void clpb_set_objective(ClpBridge *bridge, int col, double value);
void clpb_set_col_bounds(ClpBridge *bridge, int col, double lower, double upper);
void clpb_set_row_bounds(ClpBridge *bridge, int row, double lower, double upper);
/// Sets one matrix entry; an entry that was structurally zero is inserted.
void clpb_set_coefficient(ClpBridge *bridge, int row, int col, double value);

/// Nonzero asks a running solve to stop.
typedef int (*clpb_stop_check)(void *context);
/// Makes the next solves ask `check` after every iteration whether to stop (a stopped solve
/// reports status 5); NULL removes it.
void clpb_set_stop(ClpBridge *bridge, clpb_stop_check check, void *context);

/// Solves. A warm solve reuses the factorization and work areas of the previous one unless
/// something since made them stale (a cold solve, a matrix change, an imported basis, the
/// unscaled clean-up); then it builds them fresh and keeps those. Limits <= 0 mean none.
ClpBridgeResult clpb_solve(ClpBridge *bridge, int mode, double secondsLimit, int iterationLimit);

int clpb_rows(const ClpBridge *bridge);
int clpb_cols(const ClpBridge *bridge);
const double *clpb_col_values(const ClpBridge *bridge);
const double *clpb_row_activities(const ClpBridge *bridge);
const double *clpb_row_duals(const ClpBridge *bridge);
const double *clpb_reduced_costs(const ClpBridge *bridge);

/// Stability bands of the current optimal basis, in CLP's (minimising) sense, as absolute
/// intervals (+-INFINITY for an unbounded side): per column the objective coefficient's
/// [costDown, costUp] (`ClpSimplex::dualRanging`); per row the active bound's [rhsDown, rhsUp]
/// over which the basis stays primal feasible (`ClpSimplex::primalRanging`), NAN for a row with
/// no active bound; with rhsDown and rhsUp NULL, the costs' only (one ranging pass). Returns 0, or nonzero (nothing written) when the problem is not optimal.
/// Ranging re-factorizes and frees CLP's work areas: the next solve builds them again. The
/// solution (values, activities, duals, reduced costs) is left as the solve left it.
int clpb_ranges(ClpBridge *bridge, double *costDown, double *costUp, double *rhsDown, double *rhsUp);

/// The basis: one CLP status byte per column, then one per row (cols + rows bytes).
void clpb_get_basis(const ClpBridge *bridge, unsigned char *out);
void clpb_set_basis(ClpBridge *bridge, const unsigned char *in);

#ifdef __cplusplus
}
#endif

#endif
