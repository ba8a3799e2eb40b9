using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Portal.Tests.Support;

/// <summary>Collects error-level log lines, so an integration test fails on any error it did not expect.</summary>
public sealed class ErrorLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentBag<Func<string, bool>> _expected = [];

    public IReadOnlyCollection<string> Errors => [.. _errors.Where(e => !_expected.Any(x => x(e)))];

    /// <summary>Declares an error line this test provokes on purpose.</summary>
    public void Expect(Func<string, bool> matches) => _expected.Add(matches);

    public ILogger CreateLogger(string categoryName) => new Collector(categoryName, _errors);

    public void AssertClean()
    {
        var unexpected = Errors;
        Assert.True(unexpected.Count == 0, "Unexpected error log lines:\n" + string.Join("\n", unexpected));
    }

    public void Dispose()
    {
    }

    private sealed class Collector(string category, ConcurrentQueue<string> errors) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                errors.Enqueue($"[{category}] {formatter(state, exception)} {exception}");
            }
        }
    }
}
