using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tap.Tests.Support;

/// <summary>Keeps log entries so tests can assert on stable event names.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(string? EventName, LogLevel Level, Exception? Exception)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((eventId.Name, logLevel, exception));

    public int Count(string eventName) => Entries.Count(e => e.EventName == eventName);
}
