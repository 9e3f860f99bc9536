using System.Collections;
using System.Reflection;
using LiteDB;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;
using JsonSerializer = System.Text.Json.JsonSerializer;

namespace Tap.Tests.Store;

/// <summary>
/// The hand-written mapping (<see cref="RecordBson"/>) against the reflection mapper it replaced: every public property of
/// the record and of the types it holds is set, by reflection, to a value other than its default, so a property added
/// later and missing from the mapping fails here instead of silently vanishing from the store.
/// </summary>
public sealed class RecordBsonTests
{
    private TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    [Test]
    public void Every_property_survives_a_store_round_trip()
    {
        var record = Filled();
        var path = _folder.File("tap.db");
        using (var store = new RecordStore(path))
        {
            store.Save([record]);
        }

        using var reader = new RecordStore(path, readOnly: true);
        var read = reader.Find(record.Id.ToString());

        Assert.That(JsonSerializer.Serialize(read), Is.EqualTo(JsonSerializer.Serialize(record)));
    }

    [Test]
    public void Documents_are_the_ones_the_reflection_mapper_wrote()
    {
        var record = Filled();

        var written = RecordBson.ToDocument(record);
        var byReflection = ReflectionMapper().ToDocument(record);

        Assert.That(JsonSerializer.Serialize(Fields(written)), Is.EqualTo(JsonSerializer.Serialize(Fields(byReflection))));
    }

    [Test]
    public void Records_the_reflection_mapper_wrote_read_back_whole()
    {
        var record = Filled();
        var path = _folder.File("old.db");
        using (var database = new LiteDatabase(new ConnectionString { Filename = path }, ReflectionMapper()))
        {
            database.UtcDate = true;
            database.GetCollection<ExecutionRecord>("executions").Insert(record);
        }

        using var store = new RecordStore(path, readOnly: true);

        Assert.That(JsonSerializer.Serialize(store.Find(record.Id.ToString())), Is.EqualTo(JsonSerializer.Serialize(record)));
    }

    [Test]
    public void Null_and_empty_values_read_back_as_they_were_written()
    {
        var record = new ExecutionRecord { Id = Guid.NewGuid(), Response = "", Notes = [], StartedAt = SampleRecords.BaseTime, RecordedAt = SampleRecords.BaseTime };

        var read = RecordBson.FromDocument(RecordBson.ToDocument(record));

        Assert.That(JsonSerializer.Serialize(read), Is.EqualTo(JsonSerializer.Serialize(record)));
        Assert.That(JsonSerializer.Serialize(Fields(RecordBson.ToDocument(record))), Is.EqualTo(JsonSerializer.Serialize(Fields(ReflectionMapper().ToDocument(record)))));
    }

    private static BsonMapper ReflectionMapper() => new() { TrimWhitespace = false, EmptyStringToNull = false };

    // Each field with its BSON type and value, sorted by name: the order of a document's fields carries no meaning.
    private static SortedDictionary<string, string> Fields(BsonDocument document) =>
        new(document.ToDictionary(field => field.Key, field => $"{field.Value.Type}:{LiteDB.JsonSerializer.Serialize(field.Value)}"), StringComparer.Ordinal);

    private static ExecutionRecord Filled() => (ExecutionRecord)Fill(typeof(ExecutionRecord), new Counter());

    private static object Fill(Type type, Counter counter)
    {
        var n = counter.Next();
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Fill(underlying, counter);
        }

        if (type == typeof(string))
        {
            return $" value {n} ";
        }

        if (type == typeof(int))
        {
            return n;
        }

        if (type == typeof(long))
        {
            return n * 1_000_000_007L;
        }

        if (type == typeof(double))
        {
            return n + 0.5;
        }

        if (type == typeof(decimal))
        {
            return n + 0.000123m;
        }

        if (type == typeof(bool))
        {
            return true;
        }

        if (type == typeof(DateTime))
        {
            return SampleRecords.BaseTime.AddSeconds(n);
        }

        if (type == typeof(Guid))
        {
            return Guid.NewGuid();
        }

        if (type == typeof(byte[]))
        {
            return new byte[] { 0, (byte)n, 255 };
        }

        if (type.IsEnum)
        {
            return Enum.GetValues(type).GetValue(Enum.GetValues(type).Length - 1)!;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            var list = (IList)Activator.CreateInstance(type)!;
            list.Add(Fill(type.GetGenericArguments()[0], counter));
            list.Add(Fill(type.GetGenericArguments()[0], counter));
            return list;
        }

        if (type.IsClass && type.Assembly == typeof(ExecutionRecord).Assembly)
        {
            var instance = Activator.CreateInstance(type)!;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                property.SetValue(instance, Fill(property.PropertyType, counter));
            }

            return instance;
        }

        throw new NotSupportedException($"The record gained a property of type {type}: teach this test (and RecordBson) to fill it.");
    }

    private sealed class Counter
    {
        private int _next;

        public int Next() => ++_next;
    }
}
