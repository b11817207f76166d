#include "ClpBridge.h"

#include <ClpEventHandler.hpp>
#include <ClpSimplex.hpp>
#include <CoinPackedMatrix.hpp>
#include <cfloat>
#include <cmath>
#include <algorithm>
#include <cstring>
#include <vector>

struct ClpBridge {
    ClpSimplex simplex;
    /// True when the last solve left no reusable factorization (a cold solve, or the unscaled
    /// clean-up below), whatever the caller believes.
    bool mustRefactorize = true;
};

/// Asks its callback after every iteration whether to stop; CLP then ends with status 5.
class StopHandler : public ClpEventHandler {
public:
    StopHandler(clpb_stop_check check, void *context) : check(check), context(context) {}
    StopHandler(const StopHandler &other) : ClpEventHandler(other), check(other.check), context(other.context) {}
    ClpEventHandler *clone() const override { return new StopHandler(*this); }
    int event(Event whichEvent) override {
        return whichEvent == endOfIteration && check(context) ? 0 : -1;
    }
private:
    clpb_stop_check check;
    void *context;
};

static double finiteOrMax(double value) {
    if (value == INFINITY) return DBL_MAX;
    if (value == -INFINITY) return -DBL_MAX;
    return value;
}

extern "C" {

ClpBridge *clpb_create(void) {
    ClpBridge *bridge = new ClpBridge();
    bridge->simplex.setLogLevel(0);
    return bridge;
}

void clpb_free(ClpBridge *bridge) { delete bridge; }

void clpb_load(ClpBridge *bridge, int rows, int cols,
               const int *columnStarts, const int *rowIndices, const double *values,
               const double *colLower, const double *colUpper, const double *objective,
               const double *rowLower, const double *rowUpper) {
    // CLP treats |bound| >= 1e30 as infinite; map IEEE infinities to its convention.
    double *cl = new double[cols], *cu = new double[cols], *rl = new double[rows], *ru = new double[rows];
    for (int j = 0; j < cols; j++) { cl[j] = finiteOrMax(colLower[j]); cu[j] = finiteOrMax(colUpper[j]); }
    for (int i = 0; i < rows; i++) { rl[i] = finiteOrMax(rowLower[i]); ru[i] = finiteOrMax(rowUpper[i]); }
    CoinBigIndex *starts = new CoinBigIndex[cols + 1];
    for (int j = 0; j <= cols; j++) starts[j] = columnStarts[j];
    bridge->simplex.loadProblem(cols, rows, starts, rowIndices, values, cl, cu, objective, rl, ru);
    delete[] starts; delete[] cl; delete[] cu; delete[] rl; delete[] ru;
}

void clpb_set_objective(ClpBridge *bridge, int col, double value) {
    bridge->simplex.setObjectiveCoefficient(col, value);
}

void clpb_set_col_bounds(ClpBridge *bridge, int col, double lower, double upper) {
    bridge->simplex.setColumnBounds(col, finiteOrMax(lower), finiteOrMax(upper));
}

void clpb_set_row_bounds(ClpBridge *bridge, int row, double lower, double upper) {
    bridge->simplex.setRowBounds(row, finiteOrMax(lower), finiteOrMax(upper));
}

void clpb_set_coefficient(ClpBridge *bridge, int row, int col, double value) {
    // keepZero: an explicit zero stays a structural entry, so the pattern only grows.
    bridge->simplex.matrix()->modifyCoefficient(row, col, value, true);
    bridge->simplex.setWhatsChanged(bridge->simplex.whatsChanged() & ~MATRIX_SAME);
    bridge->mustRefactorize = true;
}

void clpb_set_stop(ClpBridge *bridge, clpb_stop_check check, void *context) {
    if (check) {
        StopHandler handler(check, context);
        bridge->simplex.passInEventHandler(&handler);
    } else {
        ClpEventHandler plain;
        bridge->simplex.passInEventHandler(&plain);
    }
}

ClpBridgeResult clpb_solve(ClpBridge *bridge, int mode, double secondsLimit, int iterationLimit) {
    ClpSimplex &s = bridge->simplex;
    s.setMaximumSeconds(secondsLimit > 0 ? secondsLimit : -1.0);
    s.setMaximumIterations(iterationLimit > 0 ? iterationLimit : 2147483647);
    // 1: keep work areas and factorization at the end; 2|4: reuse them at the start.
    int options = bridge->mustRefactorize ? 1 : 7;
    bridge->mustRefactorize = mode == CLPB_COLD || mode == CLPB_BARRIER;
    switch (mode) {
    case CLPB_COLD:
        s.initialSolve();
        break;
    case CLPB_BARRIER:
        s.barrier(true);
        break;
    case CLPB_DUAL:
        s.dual(0, options);
        break;
    default:
        s.primal(0, options);
        break;
    }
    // The scaled problem can be optimal while the unscaled one is slightly off
    // (secondary status 2-4, as pilot87 shows): finish unscaled from that basis.
    if (s.status() == 0 && s.secondaryStatus() >= 2 && s.secondaryStatus() <= 4) {
        int scaling = s.scalingFlag();
        s.scaling(0);
        s.primal(1);
        s.scaling(scaling);
        bridge->mustRefactorize = true;
    }
    // After a solve that did not end optimal (unbounded above all), CLP's kept work areas no
    // longer follow later bound changes: a warm solve reused them and answered the old optimum
    // as optimal. The next solve starts from the basis with fresh work areas.
    if (s.status() != 0) bridge->mustRefactorize = true;
    ClpBridgeResult result;
    result.status = s.status();
    result.secondaryStatus = s.secondaryStatus();
    result.iterations = s.numberIterations();
    result.objective = s.objectiveValue();
    result.primalFeasible = s.numberPrimalInfeasibilities() == 0 ? 1 : 0;
    return result;
}

int clpb_rows(const ClpBridge *bridge) { return bridge->simplex.numberRows(); }
int clpb_cols(const ClpBridge *bridge) { return bridge->simplex.numberColumns(); }
const double *clpb_col_values(const ClpBridge *bridge) { return bridge->simplex.getColSolution(); }
const double *clpb_row_activities(const ClpBridge *bridge) { return bridge->simplex.getRowActivity(); }
const double *clpb_row_duals(const ClpBridge *bridge) { return bridge->simplex.getRowPrice(); }
const double *clpb_reduced_costs(const ClpBridge *bridge) { return bridge->simplex.getReducedCost(); }

int clpb_ranges(ClpBridge *bridge, double *costDown, double *costUp, double *rhsDown, double *rhsUp) {
    ClpSimplex &s = bridge->simplex;
    if (s.status() != 0) return 1;
    const int cols = s.numberColumns(), rows = s.numberRows();
    std::vector<int> which(cols + rows), sequence(cols + rows);
    std::vector<double> increase(cols + rows), decrease(cols + rows);
    for (int j = 0; j < cols; j++) which[j] = j;
    // Both rangings start from a fresh factorization and free the work areas after.
    bridge->mustRefactorize = true;
    // They also leave the solution's duals and reduced costs in CLP's scaled form: the
    // solution is kept as the solve left it and put back after.
    const std::vector<double> values(s.primalColumnSolution(), s.primalColumnSolution() + cols);
    const std::vector<double> activities(s.primalRowSolution(), s.primalRowSolution() + rows);
    const std::vector<double> duals(s.dualRowSolution(), s.dualRowSolution() + rows);
    const std::vector<double> reducedCosts(s.dualColumnSolution(), s.dualColumnSolution() + cols);
    struct Restore {
        ClpSimplex &s;
        const std::vector<double> &values, &activities, &duals, &reducedCosts;
        ~Restore() {
            std::copy(values.begin(), values.end(), s.primalColumnSolution());
            std::copy(activities.begin(), activities.end(), s.primalRowSolution());
            std::copy(duals.begin(), duals.end(), s.dualRowSolution());
            std::copy(reducedCosts.begin(), reducedCosts.end(), s.dualColumnSolution());
        }
    } restore{s, values, activities, duals, reducedCosts};
    if (s.dualRanging(cols, which.data(), increase.data(), sequence.data(), decrease.data(), sequence.data()) != 0) return 1;
    const double *cost = s.getObjCoefficients();
    for (int j = 0; j < cols; j++) {
        costDown[j] = decrease[j] >= 1e30 ? -INFINITY : cost[j] - decrease[j];
        costUp[j] = increase[j] >= 1e30 ? INFINITY : cost[j] + increase[j];
    }
    if (!rhsDown || !rhsUp) return 0;
    // Rows whose slack is nonbasic hold a bound active; the others have no band.
    int active = 0;
    for (int i = 0; i < rows; i++) {
        if (s.getRowStatus(i) != ClpSimplex::basic) which[active++] = cols + i;
        rhsDown[i] = rhsUp[i] = NAN;
    }
    if (active > 0 && s.primalRanging(active, which.data(), increase.data(), sequence.data(), decrease.data(), sequence.data()) != 0) return 1;
    const double *activity = activities.data(), *lower = s.getRowLower(), *upper = s.getRowUpper();
    for (int k = 0; k < active; k++) {
        const int i = which[k] - cols;
        double down = decrease[k] >= 1e30 ? -INFINITY : activity[i] - decrease[k];
        double up = increase[k] >= 1e30 ? INFINITY : activity[i] + increase[k];
        // Past the row's other bound the row itself is infeasible (the ranging ignores it).
        // (Which bound is active is read from the activity: CLP's row statuses are the slack's.)
        if (lower[i] != upper[i]) {
            bool atLower = std::fabs(activity[i] - lower[i]) <= std::fabs(activity[i] - upper[i]);
            if (atLower && upper[i] < 1e30) up = std::min(up, upper[i]);
            if (!atLower && lower[i] > -1e30) down = std::max(down, lower[i]);
        }
        rhsDown[i] = down;
        rhsUp[i] = up;
    }
    return 0;
}

void clpb_get_basis(const ClpBridge *bridge, unsigned char *out) {
    const ClpSimplex &s = bridge->simplex;
    int n = s.numberColumns() + s.numberRows();
    const unsigned char *status = s.statusArray();
    if (status) std::memcpy(out, status, n);
    else std::memset(out, 0, n);
}

void clpb_set_basis(ClpBridge *bridge, const unsigned char *in) {
    bridge->simplex.copyinStatus(in);
    bridge->mustRefactorize = true;
}

}
