using System.Globalization;
using Tap.Sidecar.Streams;

namespace Tap.Sidecar.Outcome;

/// <summary>
/// Decides an execution's status from its state: the table in docs/outcomes.md, first match wins.
/// Format-neutral: formats only answer through <see cref="IFormatAggregator"/>.
/// </summary>
internal static class OutcomeEngine
{
    public static OutcomeDecision Decide(IExecutionFacts state, Finalization how)
    {
        if (state.DecisionAtDrain is { } atDrain && state.Ended)
        {
            var drained = state.Aggregator?.FinalUsage is not null ? "the provider's final usage arrived and is recorded" : "no final usage arrived";
            return atDrain with
            {
                Explanation = $"{atDrain.Explanation} The shim kept reading after the client left (drain): {drained}.",
                Notes = [.. state.Notes, .. atDrain.Notes.Except(state.Notes)],
            };
        }

        var notes = new List<string>(state.Notes);
        var agg = state.Aggregator;
        var start = state.StartedAt;

        // Rule 1: the upstream refused the request.
        if (state.UpstreamStatus >= 400)
        {
            var message = ProviderErrorBody.TryGetMessage(state.ErrorBody);
            var detail = message is null ? "" : ": " + message;
            return new(ExecutionStatus.Failed, ExecutionReasons.UpstreamHttpError, ExecutionStatus.ProofNone, 1,
                $"Failed: the upstream answered HTTP {state.UpstreamStatus}{detail}.", message ?? $"HTTP {state.UpstreamStatus}", notes);
        }

        // Rule 2: the provider said how it ended; nothing after that changes it.
        if (agg?.Terminal is { } terminal)
        {
            NoteLateSignals(state, terminal.At, notes);
            var status = ExecutionStatus.Of(terminal.Class);
            var reason = terminal.Class switch
            {
                TerminalClass.Completed => ExecutionReasons.TerminalEvent,
                TerminalClass.Incomplete => ExecutionReasons.ProviderIncomplete,
                TerminalClass.Failed => ExecutionReasons.ProviderError,
                _ => ExecutionReasons.ProviderCanceled,
            };
            var finish = agg.FinishReason is null ? "" : $" (finish reason {agg.FinishReason})";
            var detail = terminal.Detail is null ? "" : ": " + terminal.Detail;
            return new(status, reason, ExecutionStatus.ProofTerminalEvent, 2,
                $"{Capitalize(status)}: the provider sent its terminal event {terminal.Name} at {Offset(terminal.At, start)}{finish}{detail}.",
                terminal.Class == TerminalClass.Failed ? terminal.Detail : null, notes);
        }

        // Rule 3: the stream broke before any terminal event.
        if (FirstBreak(state) is { } broken)
        {
            return broken with { Notes = notes };
        }

        // Rule 4: the aggregated answer proves completion even if the client left or the proxy went away.
        if (agg is { AnswerComplete: true, FinalUsage: { } usage })
        {
            var status = ExecutionStatus.Of(agg.FinishClass);
            var why = state.ClientAbort is { } abort
                ? $"the client aborted at {Offset(abort.At, start)} before the terminal event, but"
                : how == Finalization.Ended ? "no terminal event arrived, but" : $"the proxy stopped reporting ({Describe(how)}), but";
            return new(status, ExecutionReasons.FinalUsageSeen, ExecutionStatus.ProofAggregatedUsage, 4,
                $"{Capitalize(status)}: {why} the answer was complete (finish reason {agg.FinishReason}) and the provider's final usage had arrived ({usage.Input ?? 0} in, {usage.Output ?? 0} out).",
                null, notes);
        }

        // Rule 5: the client left before the answer was proven complete.
        if (state.ClientAbort is { } clientAbort)
        {
            return new(ExecutionStatus.Canceled, ExecutionReasons.ClientAborted, ExecutionStatus.ProofNone, 5,
                $"Canceled: the client aborted at {Offset(clientAbort.At, start)}, after {clientAbort.AfterBytes} bytes, before any terminal event or final usage.",
                null, notes);
        }

        // Rule 6: the upstream closed cleanly in the middle of the answer.
        if (state.UpstreamEnd is { } end)
        {
            return new(ExecutionStatus.Failed, ExecutionReasons.StreamInterrupted, ExecutionStatus.ProofNone, 6,
                $"Failed: the upstream ended cleanly at {Offset(end.At, start)} after {end.AfterBytes} bytes with neither a terminal event nor final usage.",
                "The stream ended without a terminal event.", notes);
        }

        // Rule 7: the proxy stopped reporting; nothing proves how the upstream ended.
        if (how != Finalization.Ended)
        {
            var reason = how switch
            {
                Finalization.Shutdown => ExecutionReasons.SidecarShutdown,
                Finalization.ShimDropped => ExecutionReasons.ShimDropped,
                _ => ExecutionReasons.ProxyConnectionLost,
            };
            return new(ExecutionStatus.Abandoned, reason, ExecutionStatus.ProofNone, 7,
                $"Abandoned: the proxy stopped reporting before it ended the execution ({Describe(how)}), after {state.Bytes} bytes, with no proof of completion.",
                null, notes);
        }

        // Rule 8: End came with no upstream outcome at all.
        if (state.UpstreamStatus is null && state.Bytes == 0)
        {
            return new(ExecutionStatus.Failed, ExecutionReasons.NoUpstreamResponse, ExecutionStatus.ProofNone, 8,
                "Failed: the proxy ended the execution without reporting any upstream response.",
                "No upstream response.", notes);
        }

        return new(ExecutionStatus.Canceled, ExecutionReasons.EndedBeforeUpstreamEnd, ExecutionStatus.ProofNone, 8,
            $"Canceled: the proxy ended the execution after {state.Bytes} bytes without the upstream ending and without a client abort; it stopped reading.",
            null, notes);
    }

    private static OutcomeDecision? FirstBreak(IExecutionFacts state)
    {
        var start = state.StartedAt;
        var fault = state.Aggregator?.Fault ?? state.AggregatorFailure;
        var error = state.UpstreamError;
        if (fault is not null && (error is null || fault.At <= error.At))
        {
            var reason = fault.Code == "provider_error" ? ExecutionReasons.ProviderError : ExecutionReasons.MalformedStream;
            var what = fault.Code == "provider_error" ? "the provider sent an error in the stream" : $"the stream was malformed ({fault.Code})";
            return new(ExecutionStatus.Failed, reason, ExecutionStatus.ProofNone, 3,
                $"Failed: {what} at {Offset(fault.At, start)}, before any terminal event: {fault.Message}", fault.Message, []);
        }

        if (error is not null)
        {
            var message = error.Message is null ? "" : ": " + error.Message;
            return new(ExecutionStatus.Failed, ExecutionReasons.UpstreamError, ExecutionStatus.ProofNone, 3,
                $"Failed: reading the upstream failed ({error.ErrorKind}) at {Offset(error.At, start)} after {error.AfterBytes} bytes, before any terminal event{message}.",
                error.Message ?? error.ErrorKind, []);
        }

        return null;
    }

    private static void NoteLateSignals(IExecutionFacts state, DateTimeOffset terminalAt, List<string> notes)
    {
        foreach (var signal in state.Signals)
        {
            if (signal.Kind is ObservedSignal.ClientAborted or ObservedSignal.UpstreamError or ObservedSignal.ConnectionLost or ObservedSignal.Shutdown
                && signal.At >= terminalAt)
            {
                notes.Add($"{signal.Kind} at {Offset(signal.At, state.StartedAt)}, after the terminal event: it does not change the status.");
            }
        }

        if (state.Aggregator?.Fault is { } fault && fault.At >= terminalAt)
        {
            notes.Add($"{fault.Code} after the terminal event: {fault.Message}");
        }
    }

    private static string Describe(Finalization how) => how switch
    {
        Finalization.Shutdown => "the sidecar is shutting down",
        Finalization.ShimDropped => "the shim dropped the rest of it: its buffer was full",
        _ => "its connection was lost and the shim did not come back within the grace period",
    };

    private static string Offset(DateTimeOffset at, DateTimeOffset start) =>
        "+" + Math.Max(0, (at - start).TotalMilliseconds).ToString("0.#", CultureInfo.InvariantCulture) + " ms";

    private static string Capitalize(string status) => char.ToUpperInvariant(status[0]) + status[1..];
}
