using Tap.Sidecar.Streams;
using static Tap.Tests.Streams.Gemini.GeminiHarness;

namespace Tap.Tests.Streams.Gemini;

/// <summary>What each recorded transcript aggregates to.</summary>
public sealed class GeminiAggregatorTests
{
    [Test]
    public void Text_transcript_merges_the_text_and_ends_on_the_chunk_that_finishes_the_candidate()
    {
        var aggregator = FeedLineByLine("gemini/text.sse");

        Assert.That(Answer(aggregator), Is.EqualTo("Bonjour ! Voici un café ☕ et un salut 👋.\nÀ bientôt."));
        Assert.That(Parts(aggregator), Has.Count.EqualTo(1));
        Assert.That(aggregator.Terminal, Is.EqualTo(new TerminalEvent(TerminalClass.Completed, "finishReason", T0.AddSeconds(5))));
        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 11, Output = 15, Total = 26 }));
        Assert.That(aggregator.ProvisionalUsage, Is.EqualTo(new TokenUsage { Input = 11, Output = 12, Total = 23 }));
        Assert.That(aggregator.FinishReason, Is.EqualTo("STOP"));
        Assert.That(aggregator.NormalizedFinishReason, Is.EqualTo(FinishReasons.Stop));
        Assert.That(aggregator.AnswerComplete, Is.True);
        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.ResponseModel, Is.EqualTo("gemini-2.5-flash"));
        Assert.That(aggregator.EventCount, Is.EqualTo(3));
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0.AddSeconds(1)));
    }

    [Test]
    public void Function_call_parts_are_collected_whole_and_STOP_after_them_means_tool_calls()
    {
        var aggregator = FeedLineByLine("gemini/tool-calls.sse");
        var calls = Parts(aggregator).Where(p => p.TryGetProperty("functionCall", out _)).Select(p => p.GetProperty("functionCall")).ToList();

        Assert.That(Answer(aggregator), Is.EqualTo("Let me check both cities."));
        Assert.That(calls.Select(c => c.GetProperty("name").GetString()), Is.All.EqualTo("get_weather"));
        Assert.That(calls.Select(c => c.GetProperty("args").GetRawText()), Is.EqualTo(new[] { """{"location":"Paris, France"}""", """{"location":"Tōkyō, Japan","unit":"celsius"}""" }));
        Assert.That(Parts(aggregator)[1].GetProperty("thoughtSignature").GetString(), Is.EqualTo("CiQBcsjafDx9qLdT0pHmE3xV0z1yQ2Jl2W1kY1N0Zg=="));
        Assert.That(aggregator.FinishReason, Is.EqualTo("STOP"));
        Assert.That(aggregator.NormalizedFinishReason, Is.EqualTo(FinishReasons.ToolCalls));
        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Completed));
        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 1124, CachedInput = 1024, Output = 38, Total = 1162 }));
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0.AddSeconds(1)));
        Assert.That(aggregator.GeneratedText(), Is.EqualTo("""Let me check both cities.get_weather{"location":"Paris, France"}get_weather{"location":"Tōkyō, Japan","unit":"celsius"}"""));
    }

    [Test]
    public void Thought_parts_are_reasoning_apart_from_the_answer_and_thinking_tokens_are_billed_output()
    {
        var aggregator = FeedLineByLine("gemini/reasoning.sse");

        Assert.That(Thoughts(aggregator), Is.EqualTo("**Comparing decimals**\n\nThe user asks whether 9.11 or 9.9 is larger. 9.9 = 9.90, which is greater than 9.11."));
        Assert.That(Answer(aggregator), Is.EqualTo("9.9 is larger."));
        Assert.That(Parts(aggregator)[^1].GetProperty("thoughtSignature").GetString(), Does.StartWith("EpYD"));
        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 15, Output = 421, Total = 436, Reasoning = 416 }));
        Assert.That(aggregator.ResponseModel, Is.EqualTo("gemini-2.5-pro"));
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0.AddSeconds(1)), "a thought is the first token");
        Assert.That(aggregator.GeneratedText(), Does.Contain("Comparing decimals").And.Contain("9.9 is larger."));
    }

    [Test]
    public void Candidates_merge_by_index_and_the_terminal_waits_for_the_last_one_to_finish()
    {
        var aggregator = FeedLineByLine("gemini/multiple-candidates.sse");

        Assert.That(Answer(aggregator, 0), Is.EqualTo("Red and green."));
        Assert.That(Answer(aggregator, 1), Is.EqualTo("Blue and yellow and"));
        Assert.That(aggregator.Terminal, Is.EqualTo(new TerminalEvent(TerminalClass.Incomplete, "finishReason", T0.AddSeconds(5))));
        Assert.That(aggregator.FinishReason, Is.EqualTo("STOP,MAX_TOKENS"));
        Assert.That(aggregator.NormalizedFinishReason, Is.EqualTo(FinishReasons.Length));
        Assert.That(aggregator.FinishClass, Is.EqualTo(TerminalClass.Incomplete));
        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 8, Output = 8, Total = 16 }));
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0.AddSeconds(1)));
    }

    [Test]
    public void One_finished_candidate_of_two_is_neither_terminal_nor_final_usage()
    {
        var aggregator = FeedLineByLine("gemini/multiple-candidates.sse", stopAfterLines: 4);

        Assert.That(Candidates(aggregator)[0].GetProperty("finishReason").GetString(), Is.EqualTo("STOP"));
        Assert.That(aggregator.Terminal, Is.Null);
        Assert.That(aggregator.AnswerComplete, Is.False);
        Assert.That(aggregator.FinalUsage, Is.Null);
        Assert.That(aggregator.ProvisionalUsage, Is.EqualTo(new TokenUsage { Input = 8, Output = 7, Total = 15 }));
    }

    [Test]
    public void Keep_alive_comments_and_CRLF_line_ends_do_not_disturb_aggregation()
    {
        var aggregator = FeedLineByLine("gemini/keepalive.sse");

        Assert.That(Answer(aggregator), Is.EqualTo("Still here."));
        Assert.That(aggregator.EventCount, Is.EqualTo(2));
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0.AddSeconds(3)));
        Assert.That(aggregator.Terminal?.At, Is.EqualTo(T0.AddSeconds(9)));
    }

    [Test]
    public void Error_object_mid_stream_is_a_provider_error_and_no_terminal()
    {
        var aggregator = FeedLineByLine("gemini/error-mid-stream.sse");

        Assert.That(aggregator.Fault, Is.EqualTo(new StreamFault("provider_error", "The model is overloaded. Please try again later.", T0.AddSeconds(5))));
        Assert.That(aggregator.Terminal, Is.Null);
        Assert.That(aggregator.AnswerComplete, Is.False);
        Assert.That(aggregator.FinalUsage, Is.Null);
        Assert.That(Answer(aggregator), Is.EqualTo("Once upon a"));
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0.AddSeconds(1)));
    }

    [Test]
    public void Error_and_garbage_after_the_terminal_chunk_change_nothing()
    {
        var whole = FeedLineByLine("gemini/error-after-terminal.sse");
        var cleanEnd = FeedLineByLine("gemini/error-after-terminal.sse", stopAfterLines: 4);

        Assert.That(whole.Fault, Is.Null);
        Assert.That(whole.Terminal, Is.EqualTo(new TerminalEvent(TerminalClass.Completed, "finishReason", T0.AddSeconds(3))));
        Assert.That(Answer(whole), Is.EqualTo("Done already."));
        Assert.That(whole.FinalUsage, Is.EqualTo(new TokenUsage { Input = 5, Output = 3, Total = 8 }));
        Assert.That(whole.FinalUsage, Is.EqualTo(cleanEnd.FinalUsage));
        Assert.That(whole.BuildResponse(int.MaxValue, out _), Is.EqualTo(cleanEnd.BuildResponse(int.MaxValue, out _)));
    }

    [Test]
    public void MAX_TOKENS_makes_the_terminal_incomplete()
    {
        var aggregator = FeedLineByLine("gemini/incomplete.sse");

        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Incomplete));
        Assert.That(aggregator.FinishReason, Is.EqualTo("MAX_TOKENS"));
        Assert.That(aggregator.NormalizedFinishReason, Is.EqualTo(FinishReasons.Length));
        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 12, Output = 57, Total = 69, Reasoning = 48 }));
        Assert.That(aggregator.AnswerComplete, Is.True);
        Assert.That(Answer(aggregator), Is.EqualTo("The history of the Roman Empire spans more than"));
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0.AddSeconds(1)));
    }

    [Test]
    public void SAFETY_is_a_content_filter_that_leaves_the_answer_incomplete_with_its_safety_ratings()
    {
        var aggregator = FeedLineByLine("gemini/refusal.sse");
        var candidate = Candidates(aggregator).Single();
        var blocked = candidate.GetProperty("safetyRatings").EnumerateArray().Single(r => r.TryGetProperty("blocked", out _));

        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Incomplete));
        Assert.That(aggregator.FinishReason, Is.EqualTo("SAFETY"));
        Assert.That(aggregator.NormalizedFinishReason, Is.EqualTo(FinishReasons.ContentFilter));
        Assert.That(blocked.GetProperty("category").GetString(), Is.EqualTo("HARM_CATEGORY_DANGEROUS_CONTENT"));
        Assert.That(Answer(aggregator), Is.EqualTo("Here is how"));
        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 14, Output = 3, Total = 17 }));
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0.AddSeconds(1)));
    }

    [Test]
    public void Blocked_prompt_is_a_failed_terminal_with_the_block_reason_and_no_candidates()
    {
        var aggregator = FeedLineByLine("gemini/prompt-blocked.sse");

        Assert.That(aggregator.Terminal, Is.EqualTo(new TerminalEvent(TerminalClass.Failed, "promptFeedback.blockReason", T0.AddSeconds(1), "SAFETY")));
        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 9, Total = 9 }));
        Assert.That(aggregator.FinishReason, Is.Null);
        Assert.That(aggregator.AnswerComplete, Is.False);
        Assert.That(aggregator.FirstTokenAt, Is.Null);
        Assert.That(Response(aggregator).GetProperty("promptFeedback").GetProperty("blockReason").GetString(), Is.EqualTo("SAFETY"));
    }
}
