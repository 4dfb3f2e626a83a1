using System;
using System.Runtime.InteropServices;

namespace Axon.Distributed;

/// <summary>
/// The few calls of Open MPI's C API that data-parallel training needs, bound at run time from <c>libmpi.so.40</c> (Open MPI 4 and
/// 5, Debian's <c>libopenmpi3</c>) through function pointers: <c>MPI_Init_thread</c>, <c>MPI_Comm_rank</c>, <c>MPI_Comm_size</c>,
/// <c>MPI_Allreduce</c> (float and double sums, in place), <c>MPI_Bcast</c>, <c>MPI_Allgather</c> (64-bit integers),
/// <c>MPI_Barrier</c>, <c>MPI_Abort</c>, <c>MPI_Finalize</c>.
/// </summary>
/// <remarks>
/// Why not MPI.NET: its 1.4.0 package binds <c>msmpi.dll</c> and hard-codes MS-MPI's handles, which are 32-bit integers
/// (<c>MPI_COMM_WORLD = 0x44000000</c>). Open MPI's handles are pointers to global objects exported by the library:
/// <c>MPI_COMM_WORLD</c> is <c>&amp;ompi_mpi_comm_world</c>, <c>MPI_FLOAT</c> <c>&amp;ompi_mpi_float</c>, <c>MPI_SUM</c>
/// <c>&amp;ompi_mpi_op_sum</c>; they are resolved here with <see cref="NativeLibrary.GetExport"/>, and <c>MPI_IN_PLACE</c> is
/// <c>(void*)1</c>. MPICH and MS-MPI use integer handles and a different ABI: this binding refuses them with a clear message.
/// The library is opened with <c>RTLD_GLOBAL</c> first, as mpi4py does: Open MPI's plugins (<c>mca_*.so</c>) resolve symbols of
/// libmpi and libopen-pal from the global namespace, which a private (<c>RTLD_LOCAL</c>) load would hide from them.
/// </remarks>
internal static unsafe class MpiNative
{
    public const int Success = 0;
    public const int ThreadSerialized = 2;
    public static readonly nint InPlace = 1;

    private const int RtldNow = 2, RtldGlobal = 0x100;
    private static readonly string[] Names = ["libmpi.so.40", "libmpi.so"];

    public static nint CommWorld, Float, Double, Int64, OpSum;
    public static delegate* unmanaged<int*, int> Initialized;
    public static delegate* unmanaged<int*, int> Finalized;
    public static delegate* unmanaged<int*, nint*, int, int*, int> InitThread;
    public static delegate* unmanaged<int> Finalize;
    public static delegate* unmanaged<nint, int*, int> CommRank, CommSize;
    public static delegate* unmanaged<void*, void*, int, nint, nint, nint, int> Allreduce;
    public static delegate* unmanaged<void*, int, nint, int, nint, int> Bcast;
    public static delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int> Allgather;
    public static delegate* unmanaged<nint, int> Barrier;
    public static delegate* unmanaged<nint, int, int> Abort;
    public static delegate* unmanaged<byte*, int*, int> ProcessorName;
    private static delegate* unmanaged<int, void> s_exit;
    private static bool s_loaded;
    private static string? s_error;

    /// <summary>Loads libmpi once; throws <see cref="DllNotFoundException"/> saying what to install when it is missing or is not Open MPI.</summary>
    public static void Load()
    {
        if (s_loaded) return;
        if (s_error is not null) throw new DllNotFoundException(s_error);
        if (!OperatingSystem.IsLinux())
            Fail("Axon.Distributed binds Open MPI on Linux only (libmpi.so.40); this is " + RuntimeInformation.OSDescription + ".");
        nint libc = NativeLibrary.Load("libc.so.6");
        var dlopen = (delegate* unmanaged<byte*, int, nint>)NativeLibrary.GetExport(libc, "dlopen");
        s_exit = (delegate* unmanaged<int, void>)NativeLibrary.GetExport(libc, "_exit");
        nint library = 0;
        foreach (var name in Names)
        {
            var bytes = System.Text.Encoding.ASCII.GetBytes(name + "\0");
            fixed (byte* p = bytes) library = dlopen(p, RtldNow | RtldGlobal);
            if (library != 0) break;
        }
        if (library == 0)
            Fail("Axon.Distributed needs Open MPI's libmpi.so.40 and found none: install Open MPI (Debian/Ubuntu: " +
                 "apt-get install openmpi-bin libopenmpi-dev) on every machine, and start the program with mpirun.");
        if (!NativeLibrary.TryGetExport(library, "ompi_mpi_comm_world", out CommWorld))
            Fail("the libmpi found is not Open MPI (it has no ompi_mpi_comm_world; MPICH and MS-MPI use another ABI): " +
                 "Axon.Distributed binds Open MPI 4 or 5.");
        Float = NativeLibrary.GetExport(library, "ompi_mpi_float");
        Double = NativeLibrary.GetExport(library, "ompi_mpi_double");
        Int64 = NativeLibrary.GetExport(library, "ompi_mpi_int64_t");
        OpSum = NativeLibrary.GetExport(library, "ompi_mpi_op_sum");
        Initialized = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(library, "MPI_Initialized");
        Finalized = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(library, "MPI_Finalized");
        InitThread = (delegate* unmanaged<int*, nint*, int, int*, int>)NativeLibrary.GetExport(library, "MPI_Init_thread");
        Finalize = (delegate* unmanaged<int>)NativeLibrary.GetExport(library, "MPI_Finalize");
        CommRank = (delegate* unmanaged<nint, int*, int>)NativeLibrary.GetExport(library, "MPI_Comm_rank");
        CommSize = (delegate* unmanaged<nint, int*, int>)NativeLibrary.GetExport(library, "MPI_Comm_size");
        Allreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)NativeLibrary.GetExport(library, "MPI_Allreduce");
        Bcast = (delegate* unmanaged<void*, int, nint, int, nint, int>)NativeLibrary.GetExport(library, "MPI_Bcast");
        Allgather = (delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int>)NativeLibrary.GetExport(library, "MPI_Allgather");
        Barrier = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(library, "MPI_Barrier");
        Abort = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(library, "MPI_Abort");
        ProcessorName = (delegate* unmanaged<byte*, int*, int>)NativeLibrary.GetExport(library, "MPI_Get_processor_name");
        s_loaded = true;
    }

    /// <summary>Ends the process at once (libc <c>_exit</c>): no finalizers, no MPI_Finalize that would wait for a rank that hangs.</summary>
    public static void Exit(int code)
    {
        if (s_exit != null) s_exit(code);
        Environment.Exit(code);
    }

    /// <summary>Throws <see cref="MpiException"/> naming the call when an MPI function did not return MPI_SUCCESS.</summary>
    public static void Check(int code, string call)
    {
        if (code != Success) throw new MpiException($"{call} failed with MPI error code {code}.");
    }

    private static void Fail(string message)
    {
        s_error = message;
        throw new DllNotFoundException(message);
    }
}
