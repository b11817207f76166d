import LiveSolveCoordination
import LiveSolveWorkerIPC

/// A solve's end waiting for its changes' commit before it is installed and published.
enum HeldInstall {
    case answer(AnswerFrame, ModelState.Outcome)
    case failure(ModelState.Failure)
    /// An update answered by ranging: the version before it with its objective moved.
    case ranging(seq: Int, objectiveChange: Double, accepted: Moment)

    var seq: Int {
        switch self {
        case .answer(_, let outcome): outcome.seq
        case .failure(let failure): failure.seq
        case .ranging(let seq, _, _): seq
        }
    }
}
