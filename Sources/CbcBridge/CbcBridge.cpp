#include "CbcBridge.h"

#include <CbcEventHandler.hpp>
#include <CbcHeuristic.hpp>
#include <CbcHeuristicFPump.hpp>
#include <CbcHeuristicLocal.hpp>
#include <CbcHeuristicRINS.hpp>
#include <CbcModel.hpp>
#include <CglClique.hpp>
#include <CglFlowCover.hpp>
#include <CglGomory.hpp>
#include <CglKnapsackCover.hpp>
#include <CglMixedIntegerRounding2.hpp>
#include <CglProbing.hpp>
#include <ClpSimplex.hpp>
#include <CoinPackedMatrix.hpp>
#include <OsiClpSolverInterface.hpp>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <vector>

struct CbcBridge {
    /// The program as it stands, with the root LP basis of the last solve.
    OsiClpSolverInterface master;
    /// The last incumbent and its row activities (zeros before any).
    std::vector<double> incumbent, activities;
    bool hasIncumbent = false;
    // While a solve runs: who hears of progress, and the incumbent last shown to it.
    CbcBridgeCallback callback = nullptr;
    void *context = nullptr;
    double shownObjective = DBL_MAX;
    int found = 0;
    bool startUsed = false;
    /// The root LP's optimum: a lower bound for the whole search.
    double rootBound = -DBL_MAX;
    std::vector<double> scratchValues, scratchActivities;
};

static double finiteOrMax(double value) {
    if (value == INFINITY) return DBL_MAX;
    if (value == -INFINITY) return -DBL_MAX;
    return value;
}

/// Row activities of `x` under the master's matrix.
static void activitiesOf(const OsiClpSolverInterface &solver, const double *x, std::vector<double> &out) {
    const CoinPackedMatrix *matrix = solver.getMatrixByCol();
    out.assign(solver.getNumRows(), 0.0);
    const CoinBigIndex *starts = matrix->getVectorStarts();
    const int *lengths = matrix->getVectorLengths();
    const int *rows = matrix->getIndices();
    const double *elements = matrix->getElements();
    for (int j = 0; j < solver.getNumCols(); j++) {
        if (x[j] == 0.0) continue;
        for (CoinBigIndex k = starts[j]; k < starts[j] + lengths[j]; k++) out[rows[k]] += elements[k] * x[j];
    }
}

/// Whether the last incumbent satisfies the program as it now stands (bounds, rows, integrality).
static bool incumbentFits(CbcBridge *bridge) {
    if (!bridge->hasIncumbent) return false;
    const OsiClpSolverInterface &s = bridge->master;
    const double tolerance = 1e-7;
    const double *lower = s.getColLower(), *upper = s.getColUpper();
    for (int j = 0; j < s.getNumCols(); j++) {
        double x = bridge->incumbent[j];
        if (x < lower[j] - tolerance || x > upper[j] + tolerance) return false;
        if (s.isInteger(j) && std::fabs(x - std::round(x)) > 1e-9) return false;
    }
    activitiesOf(s, bridge->incumbent.data(), bridge->activities);
    const double *rowLower = s.getRowLower(), *rowUpper = s.getRowUpper();
    for (int i = 0; i < s.getNumRows(); i++) {
        double a = bridge->activities[i], scale = std::max(1.0, std::fabs(a));
        if (a < rowLower[i] - tolerance * scale || a > rowUpper[i] + tolerance * scale) return false;
    }
    return true;
}

/// Hears CBC's events: shows each improving incumbent and asks whether to stop.
class ProgressHandler : public CbcEventHandler {
public:
    explicit ProgressHandler(CbcBridge *bridge) : CbcEventHandler(), bridge_(bridge) {}
    ProgressHandler(const ProgressHandler &rhs) : CbcEventHandler(rhs), bridge_(rhs.bridge_) {}
    CbcEventHandler *clone() const override { return new ProgressHandler(*this); }

    CbcAction event(CbcEvent whichEvent) override {
        if (!bridge_->callback || !model_) return noAction;
        if (whichEvent != node && whichEvent != solution && whichEvent != heuristicSolution) return noAction;
        CbcBridgeProgress progress;
        std::memset(&progress, 0, sizeof progress);
        const double *best = model_->bestSolution();
        int cols = bridge_->master.getNumCols();
        if (best && model_->getNumCols() == cols) {
            double objective = model_->getObjValue();
            progress.hasIncumbent = 1;
            progress.objective = objective;
            if (objective < bridge_->shownObjective) {
                bridge_->shownObjective = objective;
                bridge_->found++;
                progress.isNewIncumbent = 1;
                bridge_->scratchValues.assign(best, best + cols);
                activitiesOf(bridge_->master, best, bridge_->scratchActivities);
            }
            progress.values = bridge_->scratchValues.data();
            progress.rowActivities = bridge_->scratchActivities.data();
        }
        // Never looser than the root's bound, never past the incumbent: the gap only narrows.
        progress.bound = std::max(model_->getBestPossibleObjValue(), bridge_->rootBound);
        if (progress.hasIncumbent) progress.bound = std::min(progress.bound, progress.objective);
        progress.startUsed = bridge_->startUsed ? 1 : 0;
        progress.nodes = model_->getNodeCount();
        progress.incumbents = bridge_->found;
        return bridge_->callback(bridge_->context, &progress) ? stop : noAction;
    }

private:
    CbcBridge *bridge_;
};

extern "C" {

CbcBridge *cbcb_create(void) {
    CbcBridge *bridge = new CbcBridge();
    bridge->master.messageHandler()->setLogLevel(0);
    bridge->master.getModelPtr()->setLogLevel(0);
    return bridge;
}

void cbcb_free(CbcBridge *bridge) { delete bridge; }

void cbcb_load(CbcBridge *bridge, int rows, int cols,
               const int *columnStarts, const int *rowIndices, const double *values,
               const double *colLower, const double *colUpper, const double *objective,
               const double *rowLower, const double *rowUpper, const unsigned char *isInteger) {
    std::vector<double> cl(cols), cu(cols), rl(rows), ru(rows);
    for (int j = 0; j < cols; j++) { cl[j] = finiteOrMax(colLower[j]); cu[j] = finiteOrMax(colUpper[j]); }
    for (int i = 0; i < rows; i++) { rl[i] = finiteOrMax(rowLower[i]); ru[i] = finiteOrMax(rowUpper[i]); }
    std::vector<CoinBigIndex> starts(columnStarts, columnStarts + cols + 1);
    bridge->master.loadProblem(cols, rows, starts.data(), rowIndices, values, cl.data(), cu.data(), objective, rl.data(), ru.data());
    for (int j = 0; j < cols; j++) {
        if (isInteger[j]) bridge->master.setInteger(j);
    }
    bridge->incumbent.assign(cols, 0.0);
    bridge->activities.assign(rows, 0.0);
    bridge->hasIncumbent = false;
}

void cbcb_set_objective(CbcBridge *bridge, int col, double value) { bridge->master.setObjCoeff(col, value); }

void cbcb_set_col_bounds(CbcBridge *bridge, int col, double lower, double upper) {
    bridge->master.setColBounds(col, finiteOrMax(lower), finiteOrMax(upper));
}

void cbcb_set_row_bounds(CbcBridge *bridge, int row, double lower, double upper) {
    bridge->master.setRowBounds(row, finiteOrMax(lower), finiteOrMax(upper));
}

void cbcb_set_coefficient(CbcBridge *bridge, int row, int col, double value) {
    bridge->master.modifyCoefficient(row, col, value, true);
}

CbcBridgeResult cbcb_solve(CbcBridge *bridge, double secondsLimit, double gap, int useStart,
                           CbcBridgeCallback callback, void *context) {
    CbcBridgeResult result;
    std::memset(&result, 0, sizeof result);
    int cols = bridge->master.getNumCols(), rows = bridge->master.getNumRows();
    bool start = useStart && incumbentFits(bridge);
    result.startUsed = start ? 1 : 0;

    CbcModel model(bridge->master);
    model.setLogLevel(0);
    model.messageHandler()->setLogLevel(0);
    model.solver()->messageHandler()->setLogLevel(0);
    model.setAllowableFractionGap(gap > 0 ? gap : 0);
    if (secondsLimit > 0) model.setMaximumSeconds(secondsLimit);

    // The cut generators and heuristics of CBC's own samples; each is cloned into the model.
    CglProbing probing;
    probing.setUsingObjective(1);
    probing.setMaxPass(1);
    probing.setMaxPassRoot(5);
    probing.setMaxProbe(10);
    probing.setMaxProbeRoot(1000);
    probing.setMaxLook(50);
    probing.setMaxLookRoot(500);
    probing.setMaxElements(200);
    probing.setRowCuts(3);
    CglGomory gomory;
    gomory.setLimit(300);
    CglKnapsackCover knapsack;
    CglClique clique;
    clique.setStarCliqueReport(false);
    clique.setRowCliqueReport(false);
    CglMixedIntegerRounding2 rounding;
    CglFlowCover flow;
    model.addCutGenerator(&probing, -1, "Probing");
    model.addCutGenerator(&gomory, -1, "Gomory");
    model.addCutGenerator(&knapsack, -1, "Knapsack");
    model.addCutGenerator(&clique, -1, "Clique");
    model.addCutGenerator(&rounding, -1, "MixedIntegerRounding2");
    model.addCutGenerator(&flow, -1, "FlowCover");
    CbcRounding simpleRounding(model);
    model.addHeuristic(&simpleRounding);
    CbcHeuristicFPump pump(model);
    model.addHeuristic(&pump);
    CbcHeuristicLocal local(model);
    model.addHeuristic(&local);
    CbcHeuristicRINS rins(model);
    model.addHeuristic(&rins);

    bridge->callback = callback;
    bridge->context = context;
    bridge->found = 0;
    bridge->shownObjective = DBL_MAX;
    bridge->startUsed = start;
    ProgressHandler handler(bridge);
    model.passInEventHandler(&handler);

    if (start) {
        double objective = 0;
        const double *c = bridge->master.getObjCoefficients();
        for (int j = 0; j < cols; j++) objective += c[j] * bridge->incumbent[j];
        model.setBestSolution(bridge->incumbent.data(), cols, objective, false);
        // Shown already: a solve warm from it reports only what improves on it.
        bridge->shownObjective = objective;
    }

    model.initialSolve();
    OsiSolverInterface *root = model.solver();
    // The root LP's basis is what the next solve (or another worker) starts from.
    if (OsiClpSolverInterface *clp = dynamic_cast<OsiClpSolverInterface *>(root)) {
        if (clp->getModelPtr()->statusArray()) bridge->master.getModelPtr()->copyinStatus(clp->getModelPtr()->statusArray());
    }
    bool search = false;
    double &rootBound = bridge->rootBound;
    rootBound = -DBL_MAX;
    if (root->isProvenPrimalInfeasible()) {
        result.status = CBCB_INFEASIBLE;
    } else if (root->isProvenDualInfeasible()) {
        result.status = CBCB_UNBOUNDED;
    } else if (!root->isProvenOptimal()) {
        result.status = root->isIterationLimitReached() || model.isSecondsLimitReached() ? CBCB_STOPPED : CBCB_ERROR;
    } else {
        search = true;
        rootBound = root->getObjValue();
    }
    // The previous incumbent is an answer already: shown at once, with the root LP's bound,
    // before branch and cut looks for a better one.
    if (search && start && callback) {
        CbcBridgeProgress progress;
        std::memset(&progress, 0, sizeof progress);
        progress.hasIncumbent = 1;
        progress.isNewIncumbent = 1;
        progress.startUsed = 1;
        progress.objective = bridge->shownObjective;
        progress.bound = std::min(rootBound, progress.objective);
        progress.values = bridge->incumbent.data();
        progress.rowActivities = bridge->activities.data();
        if (callback(context, &progress)) {
            result.status = CBCB_STOPPED;
            result.stoppedByCallback = 1;
            search = false;
        }
    }
    if (search) {
        model.branchAndBound();
        if (model.isProvenOptimal() && model.bestSolution()) result.status = CBCB_OPTIMAL;
        else if (model.isProvenInfeasible()) result.status = CBCB_INFEASIBLE;
        else if (model.isProvenDualInfeasible()) result.status = CBCB_UNBOUNDED;
        else result.status = CBCB_STOPPED;
        result.stoppedByCallback = model.secondaryStatus() == 5 ? 1 : 0;
    }
    bridge->callback = nullptr;
    bridge->context = nullptr;

    const double *best = model.bestSolution();
    if (best && model.getNumCols() == cols) {
        bridge->incumbent.assign(best, best + cols);
        bridge->hasIncumbent = true;
        activitiesOf(bridge->master, best, bridge->activities);
        result.hasIncumbent = 1;
        result.objective = model.getObjValue();
        result.bound = std::min(std::max(model.getBestPossibleObjValue(), rootBound), result.objective);
    } else {
        bridge->hasIncumbent = false;
        std::fill(bridge->incumbent.begin(), bridge->incumbent.end(), 0.0);
        bridge->activities.assign(rows, 0.0);
        result.bound = std::max(model.getBestPossibleObjValue(), rootBound);
        if (result.status == CBCB_OPTIMAL) result.status = CBCB_STOPPED;
    }
    result.nodes = model.getNodeCount();
    result.iterations = model.getIterationCount();
    result.incumbents = bridge->found;
    return result;
}

int cbcb_rows(const CbcBridge *bridge) { return bridge->master.getNumRows(); }
int cbcb_cols(const CbcBridge *bridge) { return bridge->master.getNumCols(); }
const double *cbcb_col_values(const CbcBridge *bridge) { return bridge->incumbent.data(); }
const double *cbcb_row_activities(const CbcBridge *bridge) { return bridge->activities.data(); }

void cbcb_get_basis(const CbcBridge *bridge, unsigned char *out) {
    const ClpSimplex *s = const_cast<OsiClpSolverInterface &>(bridge->master).getModelPtr();
    int n = s->numberColumns() + s->numberRows();
    const unsigned char *status = s->statusArray();
    if (status) std::memcpy(out, status, n);
    else std::memset(out, 0, n);
}

void cbcb_set_basis(CbcBridge *bridge, const unsigned char *in) { bridge->master.getModelPtr()->copyinStatus(in); }

}
