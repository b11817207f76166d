import LiveSolveCoordination
import LiveSolveWorkerIPC

/// A solve's end waiting for its changes' commit before it is installed and published.
enum HeldInstall {
    case answer(AnswerFrame, ModelState.Outcome)
    case failure(ModelState.Failure)

    var seq: Int {
        switch self {
        case .answer(_, let outcome): outcome.seq
        case .failure(let failure): failure.seq
        }
    }
}
