using System.IO.Hashing;
using Tap.Shim.Delivery;

namespace Tap.Tests.Support;

/// <summary>Reads a spool folder's segment files the way a later process would, to see what reached the disk.</summary>
internal static class SpoolFiles
{
    public static string[] Segments(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "*.seg").Order(StringComparer.Ordinal).ToArray() : [];

    /// <summary>The bytes left in the segment files; one the shim deletes while they are counted holds none.</summary>
    public static long Bytes(string folder) => Segments(folder).Sum(segment =>
    {
        try
        {
            return new FileInfo(segment).Length;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    });

    /// <summary>The intact records' flags, in order, over every segment.</summary>
    public static List<byte> RecordFlags(string folder)
    {
        var flags = new List<byte>();
        var crc = new Crc32();
        foreach (var segment in Segments(folder))
        {
            byte[] bytes;
            try
            {
                using var stream = new FileStream(segment, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
            }
            catch (FileNotFoundException)
            {
                continue;
            }

            var position = 0;
            while (bytes.Length - position >= SpoolRecord.HeaderBytes)
            {
                var header = bytes.AsSpan(position, SpoolRecord.HeaderBytes);
                var length = SpoolRecord.DeclaredLength(header, 32 * 1024 * 1024);
                if (length < 0 || position + SpoolRecord.HeaderBytes + length > bytes.Length
                    || !SpoolRecord.IsIntact(header, crc, bytes.AsSpan(position + SpoolRecord.HeaderBytes, length)))
                {
                    break;
                }

                flags.Add(SpoolRecord.Flags(header));
                position += SpoolRecord.HeaderBytes + length;
            }
        }

        return flags;
    }

    public static int Ends(string folder) => RecordFlags(folder).Count(f => (f & SpoolRecord.End) != 0 && (f & SpoolRecord.Report) == 0);
}
