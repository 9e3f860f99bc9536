using Microsoft.Extensions.Options;
using Tap.Sidecar.Executions;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.Ingest;

/// <summary>Tokenizing an estimate of usage never runs on a connection's read loop: the record writer does it before the save.</summary>
public sealed class UsageEstimateDeferralTests
{
    private static readonly ClientIdentity Client = new() { Process = "test", Gateway = "gw" };

    [Test]
    public void A_record_that_needs_an_estimate_is_created_without_tokenizing_and_completed_to_the_same_record()
    {
        var factory = new RecordFactory(Options.Create(new StoreOptions()), TimeProvider.System);
        var state = CanceledMidStream();
        var decision = OutcomeEngine.Decide(state, Finalization.Ended);

        var deferred = factory.Create(state, decision, Client, null, out var estimate);
        var usageBefore = deferred.Usage;
        factory.Complete(deferred, estimate!);
        var whole = factory.Create(state, decision, Client);

        Assert.Multiple(() =>
        {
            Assert.That(usageBefore, Is.Null, "nothing was tokenized yet");
            Assert.That(estimate, Is.Not.Null);
            Assert.That((deferred.Usage?.Source, deferred.Usage?.Output, deferred.Usage?.EstimatedWith), Is.EqualTo((whole.Usage?.Source, whole.Usage?.Output, whole.Usage?.EstimatedWith)));
            Assert.That(deferred.Usage?.Source, Is.EqualTo("estimated"));
            Assert.That(deferred.Notes, Is.EqualTo(whole.Notes));
        });
    }

    [Test]
    public void A_record_with_final_usage_needs_no_estimate()
    {
        var factory = new RecordFactory(Options.Create(new StoreOptions()), TimeProvider.System);
        var transcript = FixtureFiles.Read("openai-chat/text.sse");
        var state = Streamed(transcript);
        state.OnUpstreamEnd(DateTimeOffset.UtcNow);
        state.OnEnd(0, DateTimeOffset.UtcNow);

        var record = factory.Create(state, OutcomeEngine.Decide(state, Finalization.Ended), Client, null, out var estimate);

        Assert.That((estimate, record.Usage?.Source), Is.EqualTo(((UsageEstimate?)null, "final")));
    }

    [Test]
    public void A_waiting_estimate_holds_at_most_its_sample_of_the_generated_text()
    {
        var text = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 20_000));

        var sample = UsageEstimator.Sample(text);

        Assert.That(sample, Has.Length.EqualTo(UsageEstimator.MaxCountedChars));
        Assert.That(UsageEstimator.Estimate(sample, text.Length, "gpt-4o"), Is.EqualTo(UsageEstimator.Estimate(text, "gpt-4o")));
    }

    [Test]
    public async Task The_recorder_hands_the_estimate_to_the_writer_which_completes_it_before_the_save()
    {
        var saved = new List<ExecutionRecord>();
        using var writer = new RecordWriter(saved.AddRange, new StoreOptions(), new ListLogger<RecordWriter>(), TimeProvider.System);
        var recorder = new ExecutionRecorder(writer, new RecordFactory(Options.Create(new StoreOptions()), TimeProvider.System), TimeProvider.System, new ListLogger<ExecutionRecorder>());

        recorder.Record(CanceledMidStream(), Finalization.Ended, Client, null, acknowledge: null);
        var queued = writer.Queued;
        await writer.StartAsync(CancellationToken.None);
        await writer.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.That(queued, Is.EqualTo(1));
        Assert.That(saved.Single().Usage?.Source, Is.EqualTo("estimated"));
        Assert.That(saved.Single().Notes, Has.Some.Contains("estimated with"));
        await writer.StopAsync(CancellationToken.None);
    }

    private static ExecutionState CanceledMidStream()
    {
        var transcript = FixtureFiles.Read("openai-chat/text.sse");
        var state = Streamed(transcript.AsSpan(0, transcript.Length / 2));
        state.OnClientAborted(DateTimeOffset.UtcNow);
        state.OnEnd(0, DateTimeOffset.UtcNow);
        return state;
    }

    private static ExecutionState Streamed(ReadOnlySpan<byte> bytes)
    {
        var start = DateTimeOffset.UtcNow;
        var state = new ExecutionState(new ExecutionStart(Guid.NewGuid(), start, "openai-chat", Stream: true));
        state.OnResponse(200, "text/event-stream", start);
        state.OnChunk(bytes, start.AddMilliseconds(5));
        return state;
    }
}
