namespace LokiLambdaExtension.Core.Telemetry;

/// <summary>Reads the timestamps Lambda writes (<c>2026-11-24T10:00:00.000Z</c>, any number of fraction digits,
/// <c>Z</c> or a <c>±hh:mm</c> offset) straight from UTF-8, to Unix nanoseconds, without allocating.</summary>
internal static class Iso8601
{
    private const int UnixEpochDayNumber = 719_162; // DateOnly(1970, 1, 1).DayNumber

    public static bool TryParseUnixNanos(ReadOnlySpan<byte> text, out long unixNanos)
    {
        unixNanos = 0;
        if (text.Length < 19 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't' && text[10] != ' ')
            || text[13] != ':' || text[16] != ':')
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
        // A leap second (:60) is folded into the next second, as most parsers do.
        long days = new DateOnly(year, month, day).DayNumber - UnixEpochDayNumber;
        long seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60L;
        unixNanos = seconds * 1_000_000_000L + fractionNanos;
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
