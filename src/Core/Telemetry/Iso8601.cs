namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>Reads the timestamps Lambda writes (<c>2026-11-24T10:00:00.000Z</c>, any number of fraction digits,
/// <c>Z</c> or a <c>±hh:mm</c> offset) straight from UTF-8, to Unix nanoseconds, without allocating.</summary>
internal static class Iso8601
{
    private const int UnixEpochDayNumber = 719_162; // DateOnly(1970, 1, 1).DayNumber

    public static bool TryParseUnixNanos(ReadOnlySpan<byte> text, out long unixNanos)
    {
        unixNanos = 0;
        if (!TrySecond(text, out long localSeconds))
        {
            return false;
        }
        int position = 19;
        long fractionNanos = 0;
        if (position < text.Length && text[position] == '.')
        {
            position++;
            int digits = 0;
            while (position < text.Length && (uint)(text[position] - '0') <= 9)
            {
                if (digits < 9)
                {
                    fractionNanos = fractionNanos * 10 + (text[position] - '0');
                }
                digits++;
                position++;
            }
            if (digits == 0)
            {
                return false;
            }
            for (int i = digits; i < 9; i++)
            {
                fractionNanos *= 10;
            }
        }
        int offsetMinutes = 0;
        if (position < text.Length && (text[position] == 'Z' || text[position] == 'z'))
        {
            position++;
        }
        else if (position + 6 == text.Length && (text[position] == '+' || text[position] == '-') && text[position + 3] == ':'
                 && TryDigits(text.Slice(position + 1, 2), out int offsetHours) && TryDigits(text.Slice(position + 4, 2), out int offsetMins))
        {
            offsetMinutes = (offsetHours * 60 + offsetMins) * (text[position] == '-' ? -1 : 1);
            position += 6;
        }
        else
        {
            return false;
        }
        if (position != text.Length)
        {
            return false;
        }
        unixNanos = (localSeconds - offsetMinutes * 60L) * 1_000_000_000L + fractionNanos;
        return true;
    }

    /// <summary>The last date and time to the second that was read, and its seconds: a body's records are mostly of
    /// one second, so each is read once (one table per thread: intake reads one body at a time on its thread).</summary>
    [ThreadStatic]
    private static byte[]? _lastSecond;
    [ThreadStatic]
    private static long _lastLocalSeconds;

    /// <summary>The seconds since the epoch of the text's first 19 characters, <c>yyyy-MM-ddTHH:mm:ss</c>, before any
    /// offset. A leap second (:60) is folded into the next second, as most parsers do.</summary>
    private static bool TrySecond(ReadOnlySpan<byte> text, out long localSeconds)
    {
        localSeconds = 0;
        if (text.Length < 19)
        {
            return false;
        }
        ReadOnlySpan<byte> head = text[..19];
        if (_lastSecond is { } last && head.SequenceEqual(last))
        {
            localSeconds = _lastLocalSeconds;
            return true;
        }
        if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' || text[16] != ':')
        {
            return false;
        }
        if (!TryDigits(text[..4], out int year) || !TryDigits(text[5..7], out int month) || !TryDigits(text[8..10], out int day)
            || !TryDigits(text[11..13], out int hour) || !TryDigits(text[14..16], out int minute) || !TryDigits(text[17..19], out int second))
        {
            return false;
        }
        if (month is < 1 or > 12 || day < 1 || year < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }
        long days = new DateOnly(year, month, day).DayNumber - UnixEpochDayNumber;
        localSeconds = days * 86_400 + hour * 3600 + minute * 60 + second;
        head.CopyTo(_lastSecond ??= new byte[19]);
        _lastLocalSeconds = localSeconds;
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (byte b in text)
        {
            uint digit = (uint)(b - '0');
            if (digit > 9)
            {
                return false;
            }
            value = value * 10 + (int)digit;
        }
        return true;
    }
}
