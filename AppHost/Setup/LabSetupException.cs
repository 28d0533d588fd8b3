namespace MediAI.AppHost.Setup;

/// <summary>The machine cannot run the lab as asked: the message says what to install or change.</summary>
public sealed class LabSetupException(string message) : Exception(message);
